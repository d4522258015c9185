package dev.condensenet.pipeline.inference;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;
import dev.condensenet.model.net.Presets;
import dev.condensenet.model.store.ModelCard;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.pipeline.job.Testdata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
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

    /**
     * Publishes a randomly initialised, condensed fmnist-26 network with {@code channels}×{@code size}×{@code size}
     * input and {@code classes} classes named {@code <prefix>0, <prefix>1, …}, as model {@code name} (mean 0.5,
     * std 0.25 per channel): a real model of another input shape or class set, made with the model module's API.
     */
    public static long publishUntrained(Path root, String name, int channels, int size, int classes,
                                        String prefix) throws IOException {
        CondenseNetConfig config = Presets.get("fmnist-26").toBuilder()
                .setInChannels(channels).setImageSize(size).setClasses(classes).build();
        float[] mean = new float[channels];
        float[] std = new float[channels];
        Arrays.fill(mean, 0.5f);
        Arrays.fill(std, 0.25f);
        List<String> names = IntStream.range(0, classes).mapToObj(i -> prefix + i).toList();
        return ModelRoot.publish(root, d -> {
            try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
                SequentialBlock training = CondenseNet.builder().setConfig(config).build();
                training.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(config, 1));
                new Condenser(training).condenseFully();
                SequentialBlock condensed = Converter.convert(training, config, manager);
                ModelDirectory.write(d, new ModelCard(name, config, mean, std, names, "none (untrained)", null, 0),
                        condensed);
            }
        });
    }
}
