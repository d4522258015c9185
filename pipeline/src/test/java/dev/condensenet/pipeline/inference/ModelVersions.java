package dev.condensenet.pipeline.inference;

import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.pipeline.job.Testdata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Real model versions for hot-swap tests: version 1 is the shipped, trained fmnist-26; a "retrained" one
 * is the same architecture and input contract with other (randomly initialised, condensed) parameters, so
 * its predictions differ; damaged ones are made from these.
 */
public final class ModelVersions {
    private ModelVersions() {
    }

    /** The trained model of testdata/models (tests needing it are skipped without it). */
    public static Path trained() {
        return Testdata.model().orElseThrow(() -> new IllegalStateException("no model in testdata/models"));
    }

    /**
     * Another fmnist-26 with the trained one's config (name, normalisation, labels) and other parameters,
     * written to {@code dir}.
     */
    public static Path retrained(Path dir) throws IOException {
        Path scratch = dir.resolveSibling(dir.getFileName() + "-untrained");
        ModelDirectory.writeUntrained(scratch, "fmnist-26");
        Files.createDirectories(dir);
        Files.copy(scratch.resolve(ModelDirectory.PARAMS_FILE), dir.resolve(ModelDirectory.PARAMS_FILE));
        Files.copy(trained().resolve(ModelDirectory.CONFIG_FILE), dir.resolve(ModelDirectory.CONFIG_FILE));
        return dir;
    }

    /** Publishes a copy of model directory {@code src} as the next version of {@code root}. */
    public static long publish(Path root, Path src) throws IOException {
        return ModelRoot.publish(root, d -> {
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, d.resolve(f.getFileName()));
                    }
                }
            }
        });
    }

    /** Publishes {@code src} with its parameter file cut to half: config parses, parameters do not load. */
    public static long publishTruncated(Path root, Path src) throws IOException {
        return ModelRoot.publish(root, d -> {
            Files.copy(src.resolve(ModelDirectory.CONFIG_FILE), d.resolve(ModelDirectory.CONFIG_FILE));
            Path params = Files.copy(src.resolve(ModelDirectory.PARAMS_FILE), d.resolve(ModelDirectory.PARAMS_FILE));
            try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
        });
    }

    /** Publishes {@code src} with one class renamed ({@code T-shirt/top} → {@code tee}). */
    public static long publishRelabelled(Path root, Path src) throws IOException {
        return ModelRoot.publish(root, d -> {
            Files.copy(src.resolve(ModelDirectory.PARAMS_FILE), d.resolve(ModelDirectory.PARAMS_FILE));
            String config = Files.readString(src.resolve(ModelDirectory.CONFIG_FILE));
            if (!config.contains("\"T-shirt/top\"")) {
                throw new IllegalStateException("expected Fashion-MNIST labels in " + src);
            }
            Files.writeString(d.resolve(ModelDirectory.CONFIG_FILE), config.replace("\"T-shirt/top\"", "\"tee\""));
        });
    }

    /** Publishes an untrained model of another input shape (CIFAR-10, 3×32×32). */
    public static long publishOtherShape(Path root) throws IOException {
        return ModelRoot.publish(root, d -> ModelDirectory.writeUntrained(d, "cifar10-50"));
    }
}
