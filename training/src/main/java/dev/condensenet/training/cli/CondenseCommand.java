package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;
import dev.condensenet.model.store.ModelCard;
import dev.condensenet.model.store.ModelDirectory;
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
import picocli.CommandLine.Option;

/** {@code condense}: a training checkpoint → a model directory. */
@Command(name = "condense", mixinStandardHelpOptions = true,
        description = "Convert a training checkpoint into a condensed model directory (evaluated on the run's test "
                + "set when its data is available).")
final class CondenseCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint directory, or a train --out directory holding checkpoint/.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

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
        Checkpoint.State state = Checkpoint.read(dir);
        OutputGuard.modelDirectory(out, force);
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
            ModelDirectory.write(out, card, condensed);
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
