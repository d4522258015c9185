package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.condensenet.training.bench.Form;
import dev.condensenet.training.bench.Throughput;
import dev.condensenet.training.bench.ThroughputPlot;
import dev.condensenet.training.engine.TorchRuntime;
import dev.condensenet.training.model.CondenseNetConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: model-only throughput of the masked, condensed and DenseNet forms across batch sizes. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure eval-mode throughput of the masked training form, the condensed form and a "
                + "DenseNet-BC-like baseline across batch sizes, with achieved GFLOP/s against a GEMM measured "
                + "in the same run.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ArchitectureOptions arch;

    @Option(names = "--forms", defaultValue = "masked,condensed,densenet", split = ",",
            description = "Forms to measure (default ${DEFAULT-VALUE}).")
    List<String> forms;

    @Option(names = "--batch-sizes", defaultValue = "1,8,32,64,128,256", split = ",",
            description = "Batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads (0 = one per core).")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--seconds", defaultValue = "3", description = "Timed seconds per form and batch size (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot images/s versus batch size.")
    Path plot;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CondenseNetConfig config = arch.isSet() ? arch.resolve() : dev.condensenet.training.model.Presets.get("fmnist-50");
        List<Form> selected = new ArrayList<>();
        for (String f : forms) {
            try {
                selected.add(Form.parse(f));
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
        }
        if (batchSizes.stream().anyMatch(b -> b < 1) || seconds <= 0) {
            throw new UserInputException("--batch-sizes and --seconds must be positive");
        }
        TorchRuntime.init(threads);
        Device dev = Devices.parse(device);
        int actualThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Shape image = new Shape(config.inChannels(), config.imageSize(), config.imageSize());
        Map<String, List<Throughput.Result>> results = new LinkedHashMap<>();
        double gemm;
        try (NDManager manager = NDManager.newBaseManager(dev, "PyTorch")) {
            gemm = Throughput.gemmGflops(manager, Math.min(seconds, 2));
            for (Form form : selected) {
                try (NDManager formManager = manager.newSubManager()) {
                    SequentialBlock block = form.build(config, formManager);
                    List<Throughput.Result> rs = new ArrayList<>();
                    for (int b : batchSizes) {
                        Throughput.Result r = Throughput.measure(block, image, b, seconds, formManager);
                        rs.add(r);
                        if (!json) {
                            double gflops = 2.0 * form.executedMacs(config) * r.imagesPerSec() / 1e9;
                            System.out.printf("%-10s batch %4d: %9.1f images/s %9.2f ms/batch %7.2f GFLOP/s "
                                    + "(%4.1f%% of GEMM)%n", form.cliName(), b, r.imagesPerSec(), r.msPerBatch(),
                                    gflops, 100 * gflops / gemm);
                        }
                    }
                    results.put(form.cliName(), rs);
                }
            }
        }
        if (plot != null) {
            ThroughputPlot.write(results, config + ", " + dev + ", " + actualThreads + " threads", plot);
        }
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("architecture", config.toString());
            o.addProperty("device", dev.toString());
            o.addProperty("threads", actualThreads);
            o.addProperty("gemmGflops", gemm);
            JsonArray arr = new JsonArray();
            for (Form form : selected) {
                for (Throughput.Result r : results.get(form.cliName())) {
                    JsonObject e = new JsonObject();
                    e.addProperty("form", form.cliName());
                    e.addProperty("batchSize", r.batchSize());
                    e.addProperty("imagesPerSec", r.imagesPerSec());
                    e.addProperty("msPerBatch", r.msPerBatch());
                    e.addProperty("gflops", 2.0 * form.executedMacs(config) * r.imagesPerSec() / 1e9);
                    arr.add(e);
                }
            }
            o.add("results", arr);
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(o));
        } else {
            System.out.printf("GEMM (1024x1024 float32): %.1f GFLOP/s on %s with %d threads%n", gemm, dev,
                    actualThreads);
            ratio(results, "condensed", "masked", 64);
        }
        return 0;
    }

    private static void ratio(Map<String, List<Throughput.Result>> results, String a, String b, int batch) {
        if (results.containsKey(a) && results.containsKey(b)) {
            double ra = results.get(a).stream().filter(r -> r.batchSize() == batch).mapToDouble(Throughput.Result::imagesPerSec).findFirst().orElse(Double.NaN);
            double rb = results.get(b).stream().filter(r -> r.batchSize() == batch).mapToDouble(Throughput.Result::imagesPerSec).findFirst().orElse(Double.NaN);
            if (!Double.isNaN(ra) && !Double.isNaN(rb)) {
                System.out.printf("%s / %s throughput at batch %d: %.2fx%n", a, b, batch, ra / rb);
            }
        }
    }
}
