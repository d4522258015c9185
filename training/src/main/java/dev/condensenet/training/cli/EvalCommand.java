package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.Flags;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.training.data.AugmentedDataset;
import dev.condensenet.training.data.DatasetKind;
import dev.condensenet.training.data.ImageSet;
import dev.condensenet.training.train.Evaluation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code eval}: accuracy, per-class accuracy, confusion matrix and images/s of a model directory. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model directory on a test set: accuracy, per-class accuracy, confusion matrix, images/s.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    Path model;

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "fashion-mnist, cifar10 or image-folder (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (fashion-mnist default: /usr/share/datasets/fashion-mnist); its test split "
                    + "is used (an image folder without test/ is used whole).")
    Path dataDir;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N test images (0 = all).")
    int limit;

    @Option(names = "--batch-size", defaultValue = "256", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    DeviceOption device;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Flags.require(limit >= 0, spec, "--limit", "must be >= 0 (0 = all test images)");
        Flags.require(batchSize >= 1, spec, "--batch-size", "must be at least 1");
        ModelDirectory dir = ModelDirectory.open(model);
        TorchRuntime.init(threads.get());
        Device dev = device.get().resolve();
        DatasetKind kind = TrainingData.kind(spec, dataset);
        Path data = dataDir != null ? dataDir : kind.defaultDir();
        if (data == null) {
            throw new ParameterException(spec.commandLine(), "--data-dir is required for --dataset " + dataset);
        }
        ImageSet test = kind.read(data, false, dir.inChannels(), dir.imageSize(), dir.classNames()).limit(limit);
        TrainingData.checkForModel(test, dir.config(), dataset);
        if (!test.classNames().equals(dir.classNames())) {
            throw new UserError("the model's classes " + dir.classNames() + " are not the dataset's "
                    + test.classNames() + ": evaluate it on the data set it was trained on");
        }
        AugmentedDataset ds = AugmentedDataset.of(test, dir.mean(), dir.std(), batchSize, false, false, 0);
        Evaluation e;
        try (Model m = dir.loadModel(dev); NDManager manager = m.getNDManager().newSubManager()) {
            e = Evaluation.of(m.getBlock(), ds, manager, "eval " + dir.name());
        }
        print(dir, e);
        return 0;
    }

    private void print(ModelDirectory dir, Evaluation e) {
        List<String> names = e.classNames();
        double[] perClass = e.perClassAccuracy();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", dir.name());
            o.addProperty("accuracy", e.accuracy());
            o.addProperty("samples", e.samples());
            o.addProperty("correct", e.correct());
            o.addProperty("imagesPerSec", e.imagesPerSecond());
            JsonObject pc = new JsonObject();
            for (int c = 0; c < names.size(); c++) {
                pc.addProperty(names.get(c), Double.isNaN(perClass[c]) ? null : perClass[c]);
            }
            o.add("perClassAccuracy", pc);
            JsonArray cm = new JsonArray();
            for (int[] row : e.confusion()) {
                JsonArray r = new JsonArray();
                for (int v : row) {
                    r.add(v);
                }
                cm.add(r);
            }
            o.add("confusionMatrix", cm);
            o.add("classNames", new GsonBuilder().create().toJsonTree(names));
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(o));
            return;
        }
        System.out.printf("%s: accuracy %.2f%% (%d/%d), %.0f images/s%n", dir.name(), 100 * e.accuracy(), e.correct(),
                e.samples(), e.imagesPerSecond());
        System.out.println("per class:");
        for (int c = 0; c < names.size(); c++) {
            System.out.printf("  %-14s %6.2f%%%n", names.get(c), 100 * perClass[c]);
        }
        System.out.println("confusion matrix (rows: true class, columns: predicted):");
        StringBuilder header = new StringBuilder("      ");
        for (int c = 0; c < names.size(); c++) {
            header.append(String.format("%6d", c));
        }
        System.out.println(header);
        for (int c = 0; c < names.size(); c++) {
            StringBuilder row = new StringBuilder(String.format("  %2d  ", c));
            for (int v : e.confusion()[c]) {
                row.append(String.format("%6d", v));
            }
            System.out.println(row.append("  ").append(names.get(c)));
        }
    }
}
