package dev.condensenet.training.train;

import dev.condensenet.model.store.ModelDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a training run writes into its output directory: the model directory ({@code config.json},
 * {@code condensenet-0000.params}), {@code metrics.csv}, {@code curves.png} and {@code checkpoint/}.
 */
public final class RunDirectory {

    /** The checkpoint sub-directory (see {@link Checkpoint}). */
    public static final String CHECKPOINT = ModelDirectory.TRAINING_CHECKPOINT_DIR;
    /** One row per epoch, rewritten after each. */
    public static final String METRICS = "metrics.csv";
    /** Loss and accuracy curves, redrawn after each epoch. */
    public static final String CURVES = "curves.png";

    private RunDirectory() {
    }

    /** The names of the run files that exist in {@code dir} (none if it does not exist), sorted. */
    public static List<String> existingRunFiles(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        for (String name : List.of(ModelDirectory.CONFIG_FILE, METRICS, CURVES, CHECKPOINT)) {
            if (Files.exists(dir.resolve(name))) {
                found.add(name);
            }
        }
        found.addAll(parameterFiles(dir));
        found.sort(null);
        return found;
    }

    /** Removes the run files from {@code dir}; other files stay. */
    public static void removeRunFiles(Path dir) throws IOException {
        for (String name : existingRunFiles(dir)) {
            Checkpoint.deleteTree(dir.resolve(name));
        }
    }

    /** The model directory's parameter files in {@code dir} ({@code condensenet-NNNN.params}). */
    public static List<String> parameterFiles(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ps = Files.newDirectoryStream(dir, ModelDirectory.PARAMS_PREFIX + "-*.params")) {
                ps.forEach(p -> found.add(p.getFileName().toString()));
            }
        }
        found.sort(null);
        return found;
    }
}
