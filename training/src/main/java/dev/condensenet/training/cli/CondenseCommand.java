package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import dev.condensenet.model.engine.TorchRuntime;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--force", description = "Condense a checkpoint taken before the schedule finished "
            + "(remaining stages by weight magnitude, without further training).")
    boolean force;

    @Option(names = "--no-eval", description = "Do not evaluate on the run's test set.")
    boolean noEval;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads (0 = one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.isDirectory(checkpoint.resolve("checkpoint")) ? checkpoint.resolve("checkpoint") : checkpoint;
        Checkpoint.State state = Checkpoint.read(dir);
        TorchRuntime.init(threads);
        try (Model model = Model.newInstance(state.settings().name(), Device.cpu(), "PyTorch");
             NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock net = CondenseNet.builder().setConfig(state.config()).build();
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, CondenseNet.inputShape(state.config(), 1));
            Checkpoint.loadArrays(dir, model, manager).close();
            Condenser condenser = new Condenser(net);
            if (!condenser.isFullyCondensed()) {
                if (!force) {
                    throw new UserInputException("checkpoint " + dir + " is at condensing stage "
                            + condenser.currentStage() + " of " + (condenser.condenseFactor() - 1)
                            + " (epoch " + state.completedEpochs() + " of " + state.settings().epochs()
                            + "): resume training past half of the schedule, or pass --force");
                }
                condenser.condenseFully();
            }
            SequentialBlock condensed = Converter.convert(net, state.config(), manager);
            ModelCard card = new ModelCard(state.settings().name(), state.config(), state.mean(), state.std(),
                    state.classNames(), state.settings().dataset(), null, 0);
            if (!noEval) {
                try {
                    ImageSet test = TrainCommand.TrainingData.load(state.settings(), state.config())[1];
                    Evaluation e = Evaluation.of(condensed, AugmentedDataset.of(test, state.mean(), state.std(), 256,
                            false, false, 0), manager);
                    card = card.withAccuracy(e.accuracy(), e.samples());
                    System.out.printf("condensed model: test accuracy %.2f%% on %d images%n", 100 * e.accuracy(),
                            e.samples());
                } catch (DataException e) {
                    System.err.println("warning: not evaluated (" + e.getMessage() + ")");
                }
            }
            ModelDirectory.write(out, card, condensed);
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
