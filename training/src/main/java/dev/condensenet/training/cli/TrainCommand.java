package dev.condensenet.training.cli;

import ai.djl.Device;
import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.Flags;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.ModelCounts;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.training.data.DatasetKind;
import dev.condensenet.training.data.ImageSet;
import dev.condensenet.training.train.BatchProgress;
import dev.condensenet.training.train.Checkpoint;
import dev.condensenet.training.train.Evaluation;
import dev.condensenet.training.train.RunDirectory;
import dev.condensenet.training.train.TrainSettings;
import dev.condensenet.training.train.TrainingListeners;
import dev.condensenet.training.train.TrainingRun;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

    @Option(names = "--model-root", paramLabel = "DIR", description = "Also publish the finished model as the "
            + "next numbered version of this model root (DIR/N/, copied under a temporary name and renamed when "
            + "complete), never in place: a pipeline serving --model-root DIR picks it up. The run itself "
            + "(checkpoint/, for --resume) stays in --out.")
    Path modelRoot;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run whose --out was DIR from its "
            + "last checkpoint; --epochs, --data-dir, --name, --device and --threads may change, the recipe may not.")
    Path resume;

    @Option(names = "--force", description = "Replace the run or model directory already in --out.")
    boolean force;

    @Mixin
    DeviceOption device;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    /** What {@code --resume} may change: where the data is, how long to train, the name, and where to run. */
    private static final Set<String> RESUMABLE = Set.of("--resume", "--data-dir", "--epochs", "--name", "--device",
            "--threads", "--verbose", "--model-root");

    @Override
    public Integer call() throws Exception {
        TrainSettings settings;
        CondenseNetConfig config;
        Checkpoint.State resumed = null;
        Path outDir;
        if (resume != null) {
            resumed = Checkpoint.read(resume.resolve(RunDirectory.CHECKPOINT));
            settings = resumedSettings(resumed);
            config = resumed.config();
            outDir = resume;
            OutputPaths.requireWritableDirectory(outDir, "--resume");
            if (modelRoot != null) {
                OutputPaths.requireWritableDirectory(modelRoot, "--model-root");
            }
        } else {
            if (out == null) {
                throw new ParameterException(spec.commandLine(), "--out DIR is required (or --resume DIR)");
            }
            if (!arch.isSet()) {
                throw new ParameterException(spec.commandLine(),
                        "choose an architecture: --preset NAME (e.g. fmnist-26) or --stages/--growth");
            }
            validateRecipe();
            config = arch.resolve();
            DatasetKind kind = TrainingData.kind(spec, dataset);
            Path dir = dataDir != null ? dataDir : kind.defaultDir();
            if (dir == null) {
                throw new ParameterException(spec.commandLine(), "--data-dir is required for --dataset " + dataset);
            }
            String modelName = name != null ? name : (arch.preset != null ? arch.preset : "condensenet-"
                    + config.depth()) + "-" + dataset;
            settings = new TrainSettings(modelName, kind.cliName(), dir.toAbsolutePath().toString(), limit, testLimit,
                    valSplit, epochs, batchSize, lr, momentum, nesterov, weightDecay, groupLasso, !noAugment, seed);
            outDir = out;
            if (modelRoot != null) {
                OutputPaths.requireWritableDirectory(modelRoot, "--model-root");
            }
            OutputGuard.runDirectory(outDir, force); // before the data is read: refuses an earlier run without --force
        }
        TorchRuntime.init(threads.get());
        Device dev = device.get().resolve();
        ImageSet[] data = TrainingData.load(settings, config);
        long batchesPerEpoch = (data[0].size() + settings.batchSize() - 1) / settings.batchSize();
        requireAScheduleThatCondenses(settings, data[0].size(), batchesPerEpoch);
        if (resume == null && force) {
            OutputGuard.removeRun(outDir);
        }
        ModelCounts counts = ModelCounts.of(config);
        LOG.info("{} on {}: {} training / {} test images, {} epochs of {} iterations, device {}", config,
                settings.dataset(), data[0].size(), data[1].size(), settings.epochs(), batchesPerEpoch, dev);
        long start = System.nanoTime();
        try (TrainingRun run = new TrainingRun(outDir, settings, config, data[0], data[1], dev, resumed,
                r -> TrainingListeners.standard(r, BatchProgress.onTerminal()))) {
            if (resumed != null) {
                requireResumableToTheEnd(run, resumed);
                LOG.info("resuming after epoch {} (iteration {}) from {}", resumed.completedEpochs(),
                        resumed.iteration(), run.checkpointDir());
            }
            run.train();
            Evaluation eval = run.finish();
            LOG.info(String.format("condensed model: test accuracy %.2f%% on %d images, %,d params, %,d FLOPs; "
                            + "wrote %s (%.1f min)", 100 * eval.accuracy(), eval.samples(), counts.convertedParams(),
                    counts.convertedFlops(), outDir, (System.nanoTime() - start) / 6e10));
        }
        if (modelRoot != null) {
            // Once per run: a retried pod that resumes a run which had already published finds its version.
            ModelRoot.Published p = ModelRoot.publishOnce(modelRoot, outDir.toAbsolutePath().normalize().toString(),
                    d -> copyModelFiles(outDir, d));
            if (p.written()) {
                LOG.info("published the model as version {} of model root {}", p.version(), modelRoot);
            } else {
                LOG.info("this run was already published as version {} of model root {}: nothing new written",
                        p.version(), modelRoot);
            }
        }
        return 0;
    }

    /** The model directory's files of a finished run (not its checkpoint): what a served version holds. */
    private static void copyModelFiles(Path run, Path version) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(run)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, version.resolve(f.getFileName()));
                }
            }
        }
    }

    /** Each recipe flag of a new run on its own, so the message names the one that is wrong. */
    private void validateRecipe() {
        Flags.require(epochs >= 1, spec, "--epochs", "must be at least 1");
        Flags.require(batchSize >= 1, spec, "--batch-size", "must be at least 1");
        Flags.require(lr > 0 && Float.isFinite(lr), spec, "--lr", "must be a positive number");
        Flags.require(momentum >= 0 && momentum < 1, spec, "--momentum", "must be in [0, 1)");
        Flags.require(weightDecay >= 0 && Float.isFinite(weightDecay), spec, "--weight-decay", "must be >= 0");
        Flags.require(groupLasso >= 0 && Float.isFinite(groupLasso), spec, "--group-lasso", "must be >= 0");
        Flags.require(limit >= 0, spec, "--limit", "must be >= 0 (0 = all images)");
        Flags.require(testLimit >= 0, spec, "--test-limit", "must be >= 0 (0 = all images)");
        Flags.require(valSplit > 0 && valSplit < 1, spec, "--val-split", "must be a fraction in (0, 1)");
    }

    /**
     * The checkpoint's settings with what {@code --resume} may change applied; anything else is refused
     * with the reason, never silently ignored.
     */
    private TrainSettings resumedSettings(Checkpoint.State resumed) {
        List<String> fixed = new ArrayList<>();
        for (var o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUMABLE.contains(o.longestName())) {
                fixed.add(o.longestName());
            }
        }
        if (fixed.contains("--out")) {
            throw new ParameterException(spec.commandLine(), "--out does not apply to --resume: the run continues in "
                    + "its own directory " + resume);
        }
        if (fixed.contains("--force")) {
            throw new ParameterException(spec.commandLine(), "--force does not apply to --resume: nothing is "
                    + "replaced, the run continues from its checkpoint");
        }
        if (!fixed.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(", ", fixed)
                    + " cannot change when resuming: the run keeps its checkpoint's architecture "
                    + "and recipe; start a new run (a new --out) to change " + (fixed.size() == 1 ? "it" : "them"));
        }
        TrainSettings s = resumed.settings();
        if (dataDir != null) {
            // the run moved to another machine (e.g. resumed on a GPU node): same data, new place
            s = s.withDataDir(dataDir.toAbsolutePath().toString());
        }
        if (name != null) {
            s = s.withName(name);
        }
        if (Flags.given(spec, "--epochs") && epochs != s.epochs()) {
            Flags.require(epochs >= resumed.completedEpochs(), spec, "--epochs", "the checkpoint already has "
                    + resumed.completedEpochs() + " epochs; give at least that many");
            LOG.info("--epochs {} (was {}): the learning-rate cosine and the condensing schedule now span {} epochs",
                    epochs, s.epochs(), epochs);
            s = s.withEpochs(epochs);
        }
        if (resumed.completedEpochs() >= s.epochs()) {
            LOG.info("checkpoint already has all {} epochs; converting", s.epochs());
        }
        return s;
    }

    /**
     * Condensing reaches its last stage at half of the schedule, i.e. only if some iteration has progress
     * at least 1/2: two iterations in all are the least that converts.
     */
    private void requireAScheduleThatCondenses(TrainSettings s, int images, long batchesPerEpoch) {
        long iterations = s.epochs() * batchesPerEpoch;
        if (iterations < 2) {
            throw new ParameterException(spec.commandLine(), "--epochs " + s.epochs() + " of " + images
                    + " training images in batches of " + s.batchSize() + " is " + iterations + " iteration; "
                    + "condensing reaches its last stage at half of the schedule, so at least 2 are needed: raise "
                    + "--epochs or --limit");
        }
    }

    /** A resumed run must be able to end fully condensed: stopping now needs a checkpoint that already is. */
    private void requireResumableToTheEnd(TrainingRun run, Checkpoint.State resumed) {
        if (resumed.completedEpochs() >= run.settings().epochs() && !run.condenser().isFullyCondensed()) {
            throw new ParameterException(spec.commandLine(), "--epochs " + run.settings().epochs() + ": the checkpoint "
                    + "is at condensing stage " + run.condenser().currentStage() + " of "
                    + (run.condenser().condenseFactor() - 1) + " after epoch " + resumed.completedEpochs()
                    + "; give more --epochs, or condense it as it is with 'condense --checkpoint " + resume
                    + " --out NEW_DIR --force'");
        }
    }
}
