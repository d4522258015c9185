package dev.condensenet.training.cli;

import dev.condensenet.cli.OutputPaths;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.training.train.Checkpoint;
import dev.condensenet.training.train.RunDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * No lost work: before a command starts, its {@code --out} must be writable and must not hold the output
 * of an earlier run, which the command would overwrite or mix with its own. {@code --force} replaces that
 * output: its files are removed before the work starts (files of other programs stay).
 */
final class OutputGuard {

    private OutputGuard() {
    }

    /**
     * {@code train --out}: a finished or unfinished run, or a model directory, is refused without --force
     * (with it, {@link #removeRun} clears them once the run is ready to start).
     */
    static void runDirectory(Path out, boolean force) {
        OutputPaths.requireWritableDirectory(out, "--out");
        List<String> found = io(() -> RunDirectory.existingRunFiles(out));
        if (found.isEmpty() || force) {
            return;
        }
        Path checkpoint = out.resolve(RunDirectory.CHECKPOINT);
        if (Files.isDirectory(checkpoint)) {
            String epochs = describeCheckpoint(checkpoint);
            if (found.contains(ModelDirectory.CONFIG_FILE)) {
                throw new UserError("--out " + out + " holds a finished run (" + epochs + ", model directory "
                        + "written): continue it with --resume " + out + " --epochs N, use a new --out, or --force "
                        + "to replace it");
            }
            throw new UserError("--out " + out + " holds an unfinished run (" + epochs + "): continue it with "
                    + "--resume " + out + ", use a new --out, or --force to start over");
        }
        throw new UserError("--out " + out + " holds the output of an earlier run (" + String.join(", ", found)
                + "): use a new --out, or --force to replace it");
    }

    /** Removes an earlier run's files from {@code out} ({@code train --force}). */
    static void removeRun(Path out) {
        io(() -> {
            RunDirectory.removeRunFiles(out);
            return null;
        });
    }

    /** {@code condense --out}: an existing model directory is refused without --force. */
    static void modelDirectory(Path out, boolean force) {
        OutputPaths.requireWritableDirectory(out, "--out");
        List<String> found = new ArrayList<>(io(() -> RunDirectory.parameterFiles(out)));
        if (Files.exists(out.resolve(ModelDirectory.CONFIG_FILE))) {
            found.add(0, ModelDirectory.CONFIG_FILE);
        }
        if (!found.isEmpty() && !force) {
            throw new UserError("--out " + out + " already holds a model directory (" + String.join(", ", found)
                    + "): use a new --out, or --force to replace it");
        }
        // with --force, ModelDirectory.write replaces config and parameters and removes stale parameter files
    }

    /**
     * {@code samples --out}: earlier samples ({@code labels.csv}, {@code NNNNN.png}) are refused without --force.
     *
     * @return the earlier samples, for the command to remove (with --force) once its new ones are ready to write
     */
    static List<Path> samplesDirectory(Path out, boolean force, String labelsFile, String imageGlob) {
        OutputPaths.requireWritableDirectory(out, "--out");
        List<Path> found = io(() -> {
            List<Path> fs = new ArrayList<>();
            if (Files.isDirectory(out)) {
                if (Files.exists(out.resolve(labelsFile))) {
                    fs.add(out.resolve(labelsFile));
                }
                try (DirectoryStream<Path> images = Files.newDirectoryStream(out, imageGlob)) {
                    images.forEach(fs::add);
                }
            }
            return fs;
        });
        if (!found.isEmpty() && !force) {
            throw new UserError("--out " + out + " already holds samples (" + (found.size() == 1 ? "" : found.size()
                    + " files, ") + found.get(0).getFileName() + (found.size() == 1 ? "" : ", ...")
                    + "): use a new --out, or --force to replace them");
        }
        return found;
    }

    /** Removes files an earlier run of a command left (after --force). */
    static void remove(List<Path> files) {
        io(() -> {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
            return null;
        });
    }

    private static String describeCheckpoint(Path checkpoint) {
        try {
            Checkpoint.State s = Checkpoint.read(checkpoint);
            return "checkpoint after epoch " + s.completedEpochs() + " of " + s.settings().epochs();
        } catch (UserError e) {
            return "a checkpoint that cannot be read";
        }
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private static <T> T io(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new UserError("cannot prepare --out: " + UserError.oneLine(e), e);
        }
    }
}
