package dev.condensenet.training.cli;

import ai.djl.Device;
import dev.condensenet.model.engine.Devices;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.ModelCounts;
import dev.condensenet.training.data.DataException;
import dev.condensenet.training.data.DatasetKind;
import dev.condensenet.training.data.ImageSet;
import dev.condensenet.training.train.Checkpoint;
import dev.condensenet.training.train.Evaluation;
import dev.condensenet.training.train.TrainSettings;
import dev.condensenet.training.train.TrainingListeners;
import dev.condensenet.training.train.TrainingRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the recipe of docs/design.md §6 with condensing, then conversion and the model directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train CondenseNet (condensing on the schedule), convert it, evaluate the condensed model "
                + "and write a model directory with metrics.csv, curves.png and checkpoint/.")
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin
    ArchitectureOptions arch;

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "fashion-mnist, cifar10 or image-folder (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (fashion-mnist default: /usr/share/datasets/fashion-mnist). With "
                    + "--resume: where the run's data is now, if it moved.")
    Path dataDir;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.1", description = "Initial learning rate, cosine to 0 per iteration (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum (default ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--nesterov", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Nesterov momentum (default on; --no-nesterov for classic momentum).")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = "1e-4", description = "Weight decay on all parameters (default ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--group-lasso", paramLabel = "LAMBDA", defaultValue = "0",
            description = "Group-lasso weight lambda while condensing (default ${DEFAULT-VALUE}).")
    float groupLasso;

    @Option(names = "--no-augment", description = "Disable random crop (4-px padding) and horizontal flip.")
    boolean noAugment;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", description = "Use only the first N training images (0 = all).")
    int limit;

    @Option(names = "--test-limit", defaultValue = "0", description = "Use only the first N test images (0 = all).")
    int testLimit;

    @Option(names = "--val-split", defaultValue = "0.1",
            description = "Image folders without test/: fraction held out for testing (default ${DEFAULT-VALUE}).")
    double valSplit;

    @Option(names = "--name", description = "Model name (default: <preset or depth>-<dataset>).")
    String name;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (required unless --resume).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run whose --out was DIR from its last checkpoint.")
    Path resume;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads (0 = one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        TrainSettings settings;
        CondenseNetConfig config;
        Checkpoint.State resumed = null;
        Path outDir;
        if (resume != null) {
            if (arch.isSet()) {
                throw new UserInputException("--resume continues with the checkpoint's architecture; drop the "
                        + "architecture flags");
            }
            resumed = Checkpoint.read(resume.resolve("checkpoint"));
            settings = resumed.settings();
            if (dataDir != null) {
                // the run moved to another machine (e.g. resumed on a GPU node): same data, new place
                settings = settings.withDataDir(dataDir.toAbsolutePath().toString());
            }
            config = resumed.config();
            outDir = resume;
            if (resumed.completedEpochs() >= settings.epochs()) {
                LOG.info("checkpoint already has all {} epochs; converting", settings.epochs());
            }
        } else {
            if (out == null) {
                throw new UserInputException("--out DIR is required (or --resume DIR)");
            }
            if (!arch.isSet()) {
                throw new UserInputException("choose an architecture: --preset NAME (e.g. fmnist-26) or --stages/--growth");
            }
            if (epochs < 1 || batchSize < 1 || lr <= 0 || limit < 0 || testLimit < 0 || valSplit <= 0 || valSplit >= 1) {
                throw new UserInputException("--epochs, --batch-size and --lr must be positive, --limit >= 0, "
                        + "--val-split in (0, 1)");
            }
            config = arch.resolve();
            DatasetKind kind = DatasetKind.parse(dataset);
            Path dir = dataDir != null ? dataDir : kind.defaultDir();
            if (dir == null) {
                throw new UserInputException("--data-dir is required for --dataset " + dataset);
            }
            String modelName = name != null ? name : (arch.preset != null ? arch.preset : "condensenet-"
                    + config.depth()) + "-" + dataset;
            settings = new TrainSettings(modelName, kind.cliName(), dir.toAbsolutePath().toString(), limit, testLimit,
                    valSplit, epochs, batchSize, lr, momentum, nesterov, weightDecay, groupLasso, !noAugment, seed);
            outDir = out;
        }
        TorchRuntime.init(threads);
        Device dev = Devices.parse(device);
        ImageSet[] data = TrainingData.load(settings, config);
        ModelCounts counts = ModelCounts.of(config);
        LOG.info("{} on {}: {} training / {} test images, {} epochs of {} iterations, device {}", config,
                settings.dataset(), data[0].size(), data[1].size(), settings.epochs(),
                (data[0].size() + settings.batchSize() - 1) / settings.batchSize(), dev);
        long start = System.nanoTime();
        try (TrainingRun run = new TrainingRun(outDir, settings, config, data[0], data[1], dev, resumed,
                r -> TrainingListeners.standard(r, System.console() != null))) {
            if (resumed != null) {
                LOG.info("resuming after epoch {} (iteration {}) from {}", resumed.completedEpochs(),
                        resumed.iteration(), run.checkpointDir());
            }
            run.train();
            Evaluation eval = run.finish();
            LOG.info(String.format("condensed model: test accuracy %.2f%% on %d images, %,d params, %,d FLOPs; "
                            + "wrote %s (%.1f min)", 100 * eval.accuracy(), eval.samples(), counts.convertedParams(),
                    counts.convertedFlops(), outDir, (System.nanoTime() - start) / 6e10));
        }
        return 0;
    }

    /** Loads the train and test split a run uses. */
    static final class TrainingData {
        private TrainingData() {
        }

        static ImageSet[] load(TrainSettings s, CondenseNetConfig config) {
            DatasetKind kind = DatasetKind.parse(s.dataset());
            Path dir = Path.of(s.dataDir());
            ImageSet train;
            ImageSet test;
            if (kind == DatasetKind.IMAGE_FOLDER && !DatasetKind.hasTestSplit(dir)) {
                ImageSet all = kind.read(dir, true, config.inChannels(), config.imageSize(), null);
                ImageSet[] split = Splits.split(all, s.valSplit(), s.seed());
                train = split[0];
                test = split[1];
            } else {
                train = kind.read(dir, true, config.inChannels(), config.imageSize(), null);
                test = kind.read(dir, false, config.inChannels(), config.imageSize(), train.classNames());
            }
            check(train, config, s.dataset());
            return new ImageSet[] {train.limit(s.limit()), test.limit(s.testLimit())};
        }

        static void check(ImageSet data, CondenseNetConfig config, String dataset) {
            if (data.channels() != config.inChannels() || data.height() != config.imageSize()
                    || data.width() != config.imageSize()) {
                throw new DataException(dataset + " images are " + data.channels() + "x" + data.height() + "x"
                        + data.width() + " but the architecture expects " + config.inChannels() + "x"
                        + config.imageSize() + "x" + config.imageSize() + ": choose a matching preset or set "
                        + "--in-channels/--image-size");
            }
            if (data.classNames().size() != config.classes()) {
                throw new DataException(dataset + " has " + data.classNames().size() + " classes but the "
                        + "architecture has " + config.classes() + ": set --classes " + data.classNames().size());
            }
        }
    }
}
