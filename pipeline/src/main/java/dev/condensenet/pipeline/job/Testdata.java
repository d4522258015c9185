package dev.condensenet.pipeline.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the repository's shipped test data (a trained model under {@code testdata/models/<name>/}, the
 * sample images with {@code labels.csv}) from the working directory or its parent, so the demo and
 * the tests work from the repository root and from a module directory alike.
 */
public final class Testdata {
    private Testdata() {}

    /** Where {@link #root()} looks, as absolute paths: {@code testdata} here and in the parent directory. */
    public static List<Path> searched() {
        return List.of(Path.of("testdata").toAbsolutePath().normalize(),
                Path.of("..", "testdata").toAbsolutePath().normalize());
    }

    public static Optional<Path> root() {
        for (Path p : searched()) {
            if (Files.isDirectory(p)) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    /** The first model directory (by name) under {@code testdata/models} that has a config.json. */
    public static Optional<Path> model() {
        return root().map(r -> r.resolve("models")).filter(Files::isDirectory).flatMap(models -> {
            try (Stream<Path> dirs = Files.list(models)) {
                return dirs.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().findFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static Optional<Path> fashionMnistSample() {
        return root().map(r -> r.resolve("fashion-mnist-sample")).filter(Files::isDirectory);
    }

    /**
     * Reads {@code labels.csv} ({@code file,label} per line, an optional header line) from
     * {@code dir}; empty if the file is absent. Labels are class indices or class names.
     */
    public static Map<String, String> labels(Path dir) {
        Path csv = dir.resolve("labels.csv");
        Map<String, String> labels = new LinkedHashMap<>();
        if (!Files.isRegularFile(csv)) {
            return labels;
        }
        try {
            for (String line : Files.readAllLines(csv)) {
                String[] parts = line.trim().split("\\s*,\\s*");
                if (parts.length >= 2 && !parts[0].equalsIgnoreCase("file")) {
                    labels.put(parts[0], parts[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return labels;
    }
}
