package dev.condensenet.pipeline.model;

import dev.condensenet.model.store.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Broken model directories, made from a valid untrained fmnist-26, and a fragment of the one-line
 * error each must give. {@code clientSees} tells whether reading config.json (all a {@code flink run}
 * client does) already finds the problem, or only loading the parameters does.
 */
public enum BadModels {
    MISSING_DIRECTORY("does not exist", true),
    MISSING_PARAMETERS("has no " + ModelDirectory.PARAMS_FILE, true),
    TRUNCATED_PARAMETERS(ModelDirectory.PARAMS_FILE, false),
    CONFIG_PARAMETER_MISMATCH("not written for this config", false),
    WRONG_INPUT_CHANNELS("does not match " + ModelDirectory.CONFIG_FILE, false);

    public final String message;
    public final boolean clientSees;

    BadModels(String message, boolean clientSees) {
        this.message = message;
        this.clientSees = clientSees;
    }

    /** Writes this broken directory under {@code root} (from the valid model {@code good}); returns it. */
    public Path create(Path good, Path root) throws IOException {
        Path dir = root.resolve(name().toLowerCase());
        if (this == MISSING_DIRECTORY) {
            return dir;
        }
        Files.createDirectories(dir);
        String config = Files.readString(good.resolve(ModelDirectory.CONFIG_FILE));
        byte[] params = Files.readAllBytes(good.resolve(ModelDirectory.PARAMS_FILE));
        switch (this) {
            case MISSING_PARAMETERS -> params = null;
            case TRUNCATED_PARAMETERS -> params = Arrays.copyOf(params, params.length / 2);
            // Another architecture than the one the parameters were trained for.
            case CONFIG_PARAMETER_MISMATCH -> config = replaceOnce(config, "\"growth\": [\n      8,", "\"growth\": [\n      12,");
            // An RGB config for gray weights: the first convolution's shape gives it away.
            case WRONG_INPUT_CHANNELS -> config = replaceOnce(replaceOnce(replaceOnce(replaceOnce(config,
                    "\"inChannels\": 1", "\"inChannels\": 3"),
                    "\"inputShape\": [\n    1,", "\"inputShape\": [\n    3,"),
                    "\"mean\": [\n      0.0\n    ]", "\"mean\": [0.0, 0.0, 0.0]"),
                    "\"std\": [\n      1.0\n    ]", "\"std\": [1.0, 1.0, 1.0]");
            default -> { }
        }
        Files.writeString(dir.resolve(ModelDirectory.CONFIG_FILE), config);
        if (params != null) {
            Files.write(dir.resolve(ModelDirectory.PARAMS_FILE), params);
        }
        return dir;
    }

    private static String replaceOnce(String s, String from, String to) {
        if (!s.contains(from)) {
            throw new IllegalStateException("config.json layout changed: no '" + from + "' in\n" + s);
        }
        return s.replace(from, to);
    }
}
