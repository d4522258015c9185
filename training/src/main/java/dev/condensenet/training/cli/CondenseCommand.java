package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;
import dev.condensenet.model.store.ModelCard;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.training.data.AugmentedDataset;
import dev.condensenet.training.data.DataException;
import dev.condensenet.training.data.ImageSet;
import dev.condensenet.training.train.Checkpoint;
import dev.condensenet.training.train.Evaluation;
import dev.condensenet.training.train.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code condense}: a training checkpoint → a model directory. */
@Command(name = "condense", mixinStandardHelpOptions = true,
        description = "Convert a training checkpoint into a condensed model directory (evaluated on the run's test "
                + "set when its data is available).")
final class CondenseCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint directory, or a train --out directory holding checkpoint/.")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "DIR", description = "Model directory to write (or --model-root).")
    Path out;

    @Option(names = "--model-root", paramLabel = "DIR", description = "Write the model as the next numbered "
            + "version of this model root (DIR/N/, built under a temporary name and renamed when complete), "
            + "never in place: a pipeline serving --model-root DIR picks it up.")
    Path modelRoot;

    @Spec
    CommandSpec spec;

    @Option(names = "--force", description = "Condense a checkpoint taken before the schedule finished (the "
            + "remaining stages by the schedule's importance rule, without further training), and replace a model "
            + "directory already in --out.")
    boolean force;

    @Option(names = "--no-eval", description = "Do not evaluate on the run's test set.")
    boolean noEval;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.isDirectory(checkpoint.resolve(RunDirectory.CHECKPOINT))
                ? checkpoint.resolve(RunDirectory.CHECKPOINT) : checkpoint;
        if ((out == null) == (modelRoot == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --out DIR and --model-root DIR");
        }
        Checkpoint.State state = Checkpoint.read(dir);
        if (out != null) {
            OutputGuard.modelDirectory(out, force);
        } else {
            OutputPaths.requireWritableDirectory(modelRoot, "--model-root");
        }
        TorchRuntime.init(threads.get());
        try (Model model = Model.newInstance(state.settings().name(), Device.cpu(), "PyTorch");
             NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock net = CondenseNet.builder().setConfig(state.config()).build();
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, CondenseNet.inputShape(state.config(), 1));
            Checkpoint.loadArrays(dir, model, manager).close();
            Condenser condenser = new Condenser(net);
            String where = "checkpoint " + dir + " (epoch " + state.completedEpochs() + " of "
                    + state.settings().epochs() + ")";
            if (!condenser.isFullyCondensed()) {
                if (!force) {
                    throw new UserError(where + " is at condensing stage " + condenser.currentStage() + " of "
                            + (condenser.condenseFactor() - 1) + ": resume training past half of the schedule "
                            + "(train --resume), or pass --force to condense it as it is");
                }
                condenser.condenseFully();
            }
            int behind = condenser.layersBehindTheirStage().size();
            if (behind > 0) {
                if (!force) {
                    throw new UserError(where + " has " + behind + " learned group convs whose masks skipped "
                            + "condensing stages (written by an earlier version): resume it with train --resume, "
                            + "which removes the skipped columns and trains on, or pass --force to remove them "
                            + "now without training");
                }
                condenser.pruneSkippedStages();
            }
            System.out.println("converting " + where);
            SequentialBlock condensed = Converter.convert(net, state.config(), manager);
            ModelCard card = new ModelCard(state.settings().name(), state.config(), state.mean(), state.std(),
                    state.classNames(), state.settings().dataset(), null, 0);
            if (!noEval) {
                try {
                    ImageSet test = TrainingData.load(state.settings(), state.config(), true)[1];
                    Evaluation e = Evaluation.of(condensed, AugmentedDataset.of(test, state.mean(), state.std(), 256,
                            false, false, 0), manager, "test (condensed form)");
                    card = card.withAccuracy(e.accuracy(), e.samples());
                    System.out.printf("condensed model: test accuracy %.2f%% on %d images%n", 100 * e.accuracy(),
                            e.samples());
                } catch (DataException e) {
                    System.err.println("warning: not evaluated (" + e.getMessage() + "); --no-eval skips the test");
                }
            }
            if (out != null) {
                ModelDirectory.write(out, card, condensed);
                System.out.println("wrote " + out);
            } else {
                ModelCard written = card;
                long version = ModelRoot.publish(modelRoot, d -> ModelDirectory.write(d, written, condensed));
                System.out.println("wrote version " + version + " of model root " + modelRoot + ": "
                        + ModelRoot.open(modelRoot).versionDir(version));
            }
        }
        return 0;
    }
}
