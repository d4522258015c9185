package dev.condensenet.training.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.translate.TranslateException;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.CondenseNetInitializer;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;
import dev.condensenet.model.store.ModelCard;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.training.data.AugmentedDataset;
import dev.condensenet.training.data.ImageSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the masked CondenseNet with the recipe of docs/design.md §6, drives the condensing schedule from the
 * global progress before each iteration's forward pass, then converts, evaluates the condensed model
 * and writes the model directory. Logging, metrics, plots and checkpoints are training listeners
 * ({@link TrainingListeners}); this class only runs the loop.
 */
public final class TrainingRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final Path out;
    private final TrainSettings settings;
    private final CondenseNetConfig config;
    private final AugmentedDataset train;
    private final AugmentedDataset test;
    private final float[] mean;
    private final float[] std;
    private final Model model;
    private final SequentialBlock net;
    private final Condenser condenser;
    private final NesterovSgd optimizer;
    private final Trainer trainer;
    private final List<EpochStats> history;
    private final List<Parameter> trainable;
    private int completedEpochs;
    private int iteration;

    /**
     * @param out output directory (model directory, metrics.csv, curves.png, checkpoint/)
     * @param resumeFrom checkpoint state to continue from, or {@code null} for a fresh run
     * @param listenerFactory builds the listeners, given this run
     */
    public TrainingRun(Path out, TrainSettings settings, CondenseNetConfig config, ImageSet trainImages,
                       ImageSet testImages, Device device, Checkpoint.State resumeFrom,
                       Function<TrainingRun, List<TrainingListener>> listenerFactory) {
        this.out = out;
        this.settings = settings;
        this.config = config;
        if (resumeFrom != null) {
            this.mean = resumeFrom.mean();
            this.std = resumeFrom.std();
        } else {
            float[][] ms = trainImages.meanStd();
            this.mean = ms[0];
            this.std = ms[1];
        }
        this.train = AugmentedDataset.of(trainImages, mean, std, settings.batchSize(), true, settings.augment(),
                settings.seed());
        this.test = AugmentedDataset.of(testImages, mean, std, Math.max(settings.batchSize(), 256), false, false, 0);
        long batches = train.batchesPerEpoch();
        int totalIterations = Math.toIntExact(batches * settings.epochs());
        this.optimizer = NesterovSgd.builder()
                .setLearningRate(CosineTracker.builder().setBaseValue(settings.learningRate()).optFinalValue(0f)
                        .setMaxUpdates(totalIterations).build())
                .optMomentum(settings.momentum())
                .optNesterov(settings.nesterov())
                .optWeightDecays(settings.weightDecay())
                .build();

        Engine.getEngine("PyTorch").setRandomSeed((int) settings.seed());
        this.net = CondenseNet.builder().setConfig(config).build();
        this.model = Model.newInstance(settings.name(), device, "PyTorch");
        model.setBlock(net);
        DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {device})
                .optInitializer(new CondenseNetInitializer(), Parameter.Type.WEIGHT);
        this.history = new ArrayList<>();
        // Listeners need the run (for its stats), so they are built after the fields above.
        for (TrainingListener l : listenerFactory.apply(this)) {
            tc.addTrainingListeners(l);
        }
        // A checkpoint is loaded before the trainer initialises the block: initialisation then keeps the
        // loaded arrays and marks them as requiring gradients (arrays swapped in later would get none).
        NDList velocity = resumeFrom == null ? null
                : Checkpoint.loadArrays(checkpointDir(), model, model.getNDManager());
        this.trainer = model.newTrainer(tc);
        trainer.initialize(CondenseNet.inputShape(config, settings.batchSize()));
        this.condenser = new Condenser(net);
        // PtModel.newTrainer unfreezes every already-loaded parameter; masks must stay fixed.
        condenser.freezeBuffers();
        this.trainable = new ArrayList<>();
        net.getParameters().forEach(p -> {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        });
        if (resumeFrom != null) {
            int behind = condenser.pruneSkippedStages();
            if (behind > 0) {
                LOG.warn("{} of {} learned group convs kept input columns that their condensing stage removes (a "
                        + "checkpoint of an earlier version that skipped stages); removed them by the schedule's "
                        + "importance rule", behind, condenser.layers().size());
            }
            optimizer.importState(net.getParameters(), velocity);
            velocity.close();
            completedEpochs = resumeFrom.completedEpochs();
            iteration = resumeFrom.iteration();
            history.addAll(resumeFrom.history());
        }
    }

    public Path checkpointDir() {
        return out.resolve(RunDirectory.CHECKPOINT);
    }

    /** Trains the remaining epochs. */
    public void train() {
        trainUntil(settings.epochs());
    }

    /** Trains until {@code epoch} epochs are complete (or all, if fewer remain); used to test resuming. */
    public void trainUntil(int epoch) {
        trainer.notifyListeners(l -> l.onTrainingBegin(trainer));
        long batches = train.batchesPerEpoch();
        for (int e = completedEpochs; e < Math.min(epoch, settings.epochs()); e++) {
            trainEpoch(e, batches);
        }
        trainer.notifyListeners(l -> l.onTrainingEnd(trainer));
    }

    private void trainEpoch(int epoch, long batches) {
        train.setEpoch(epoch);
        // Dropout's torch RNG is re-seeded per epoch: a resumed epoch draws the same masks.
        Engine.getEngine("PyTorch").setRandomSeed(epochSeed(settings.seed(), epoch));
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        long start = System.nanoTime();
        int i = 0;
        try {
            for (Batch batch : trainer.iterateDataset(train)) {
                try (batch) {
                    int stage = condenser.update(Condenser.progress(epoch, i, batches, settings.epochs()));
                    if (stage >= 0) {
                        LOG.info("epoch {} iteration {}: condensing stage {} of {}, learned-group-conv sparsity {}%",
                                epoch + 1, i, stage, condenser.condenseFactor() - 1,
                                String.format("%.1f", 100 * condenser.sparsity()));
                    }
                    optimizer.setIteration(iteration);
                    NDArray x = batch.getData().singletonOrThrow();
                    NDArray y = batch.getLabels().singletonOrThrow();
                    float lossValue;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                        if (settings.groupLasso() > 0) {
                            NDArray lasso = condenser.lassoLoss(batch.getManager());
                            if (lasso != null) {
                                loss = loss.add(lasso.mul(settings.groupLasso()));
                            }
                        }
                        lossValue = loss.getFloat();
                        if (!Float.isFinite(lossValue)) {
                            throw new TrainingDivergedException("loss became " + lossValue + " at epoch " + (epoch + 1)
                                    + ", iteration " + i + "; the last good checkpoint (epoch " + completedEpochs
                                    + ") is kept in " + checkpointDir() + ": lower --lr or --group-lasso and start "
                                    + "again, or --resume it");
                        }
                        gc.backward(loss);
                        correct += logits.argMax(1).toType(DataType.INT64, false)
                                .eq(y.toType(DataType.INT64, false)).sum().getLong();
                    }
                    trainer.step();
                    zeroGradients();
                    long n = x.getShape().get(0);
                    lossSum += lossValue * n;
                    seen += n;
                    iteration++;
                    i++;
                    TrainingListener.BatchData data = new TrainingListener.BatchData(batch, null, null);
                    trainer.notifyListeners(l -> l.onTrainingBatch(trainer, data));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval = evaluateTrainingForm();
        EpochStats stats = new EpochStats(epoch + 1, lossSum / seen, (double) correct / seen, eval.accuracy(),
                optimizer.learningRate(), condenser.currentStage(), condenser.sparsity(), seconds, seen / seconds);
        history.add(stats);
        completedEpochs = epoch + 1;
        trainer.notifyListeners(l -> l.onEpoch(trainer));
    }

    /**
     * Clears {@code .grad} after each step: libtorch accumulates into it and nothing on this Java-side
     * optimizer path clears it, so every step would apply the sum of all past gradients. Called after
     * the step because before the first backward there is no gradient tensor to clear (touching it
     * crashes libtorch). DJL's {@code GradientCollector.zeroGradients()} would do the same but leaks one
     * array handle per parameter per call and walks all of them again on the next call, so every
     * iteration got slower; the handles here are closed.
     */
    private void zeroGradients() {
        for (Parameter p : trainable) {
            try (NDArray g = p.getArray().getGradient()) {
                g.subi(g);
            }
        }
    }

    /** Test accuracy of the masked training form in eval mode. */
    public Evaluation evaluateTrainingForm() {
        try (NDManager m = trainer.getManager().newSubManager()) {
            return Evaluation.of(net, test, m, "epoch " + (completedEpochs + 1) + ": test (masked form)");
        }
    }

    /**
     * Converts the (fully condensed) network, evaluates the condensed model on the test set and writes
     * the model directory into the output directory.
     */
    public Evaluation finish() throws IOException {
        try (NDManager m = NDManager.newBaseManager(trainer.getDevices()[0], "PyTorch")) {
            LOG.info("converting to the condensed form and testing it on {} images", test.images().size());
            SequentialBlock condensed = Converter.convert(net, config, m);
            Evaluation eval = Evaluation.of(condensed, test, m, "test (condensed form)");
            ModelCard card = new ModelCard(settings.name(), config, mean, std, train.images().classNames(),
                    settings.dataset(), null, 0).withAccuracy(eval.accuracy(), eval.samples());
            ModelDirectory.write(out, card, condensed);
            return eval;
        }
    }

    /** The state a checkpoint needs, after the last completed epoch. */
    public Checkpoint.State state() {
        return new Checkpoint.State(settings, config, mean, std, train.images().classNames(), completedEpochs,
                iteration, List.copyOf(history));
    }

    /** Writes a checkpoint of the current state. */
    public void saveCheckpoint() {
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            Checkpoint.write(checkpointDir(), state(), model, optimizer.exportState(net.getParameters(), scratch));
        }
    }

    public List<EpochStats> history() {
        return history;
    }

    public TrainSettings settings() {
        return settings;
    }

    public CondenseNetConfig config() {
        return config;
    }

    public Condenser condenser() {
        return condenser;
    }

    public Path out() {
        return out;
    }

    public long batchesPerEpoch() {
        return train.batchesPerEpoch();
    }

    public int completedEpochs() {
        return completedEpochs;
    }

    public SequentialBlock network() {
        return net;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }

    /** The torch seed of an epoch, derived from the run seed. */
    static int epochSeed(long seed, int epoch) {
        return (int) ((seed * 1_000_003L + epoch * 7919L + 17) & 0x7fffffff);
    }
}
