package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.Flags;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.training.bench.Form;
import dev.condensenet.training.bench.Networks;
import dev.condensenet.training.bench.Throughput;
import dev.condensenet.training.bench.ThroughputPlot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench}: model-only throughput of the masked, condensed and DenseNet forms across batch sizes. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure eval-mode throughput of the masked training form, the condensed form and a "
                + "DenseNet-BC-like baseline across batch sizes, with achieved GFLOP/s against a GEMM measured "
                + "in the same run.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ArchitectureOptions arch;

    @Option(names = "--forms", defaultValue = "masked,condensed,condensed-reference,densenet", split = ",",
            description = "Forms to measure: masked (training form), condensed (the compiled network that is "
                    + "served), condensed-reference (the converted tree run literally), densenet "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> forms;

    @Option(names = "--plan", defaultValue = "auto",
            description = "Layer plan of the condensed form: auto (time each plan per layer), gather-shuffle, "
                    + "gather-dense3, dense1-grouped3 or dense1-dense3 (default ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--tune-batch", defaultValue = "32",
            description = "Batch size at which --plan auto times the plans (default ${DEFAULT-VALUE}).")
    int tuneBatch;

    @Option(names = "--batch-sizes", defaultValue = "1,8,32,64,128,256", split = ",",
            description = "Batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption device;

    @Option(names = "--seconds", defaultValue = "3", description = "Timed seconds per form and batch size (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot images/s versus batch size.")
    Path plot;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CondenseNetConfig config = arch.isSet() ? arch.resolve() : dev.condensenet.model.net.Presets.get("fmnist-50");
        List<Form> selected = new ArrayList<>();
        for (String f : forms) {
            try {
                selected.add(Form.parse(f));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Flags.require(batchSizes.stream().allMatch(b -> b >= 1), spec, "--batch-sizes", "every size must be at least 1");
        Flags.require(seconds > 0, spec, "--seconds", "must be positive");
        Flags.require(tuneBatch >= 1, spec, "--tune-batch", "must be at least 1");
        LayerPlan fixedPlan;
        try {
            fixedPlan = "auto".equals(plan.trim()) ? null : LayerPlan.parse(plan);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replace("use ", "use auto, "));
        }
        if (plot != null) {
            OutputPaths.requireWritableFile(plot, "--plot");
        }
        TorchRuntime.init(threads.get());
        Device dev = device.get().resolve();
        int actualThreads = threads.get() > 0 ? threads.get() : Runtime.getRuntime().availableProcessors();
        Shape image = new Shape(config.inChannels(), config.imageSize(), config.imageSize());
        Map<String, List<Throughput.Result>> results = new LinkedHashMap<>();
        Map<String, Double> diffs = new LinkedHashMap<>();
        Map<String, Integer> plans = new LinkedHashMap<>();
        double gemm;
        try (NDManager manager = NDManager.newBaseManager(dev, "PyTorch")) {
            gemm = Throughput.gemmGflops(manager, Math.min(seconds, 2));
            Networks nets = new Networks(config, manager, fixedPlan, tuneBatch);
            for (Form form : selected) {
                Block block = nets.get(form);
                if (form == Form.CONDENSED || form == Form.REFERENCE) {
                    diffs.put(form.cliName(), nets.maxDiffFromMasked(form, 8));
                }
                if (form == Form.CONDENSED) {
                    nets.compiled().plans().forEach(p -> plans.merge(p.name().toLowerCase().replace('_', '-'), 1,
                            Integer::sum));
                }
                List<Throughput.Result> rs = new ArrayList<>();
                for (int b : batchSizes) {
                    Throughput.Result r = Throughput.measure(block, image, b, seconds, manager);
                    rs.add(r);
                    if (!json) {
                        double gflops = 2.0 * form.executedMacs(config) * r.imagesPerSec() / 1e9;
                        System.out.printf("%-19s batch %4d: %9.1f images/s %9.2f ms/batch %7.2f GFLOP/s "
                                + "(%4.1f%% of GEMM)%n", form.cliName(), b, r.imagesPerSec(), r.msPerBatch(),
                                gflops, 100 * gflops / gemm);
                    }
                }
                results.put(form.cliName(), rs);
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
            JsonObject d = new JsonObject();
            diffs.forEach(d::addProperty);
            o.add("maxLogitDiffFromMasked", d);
            JsonObject p = new JsonObject();
            plans.forEach(p::addProperty);
            o.add("condensedPlans", p);
            double ratio = ratio(results, "condensed", "masked", 64);
            if (!Double.isNaN(ratio)) {
                o.addProperty("condensedOverMaskedBatch64", ratio);
            }
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(o));
        } else {
            System.out.printf("GEMM (1024x1024 float32): %.1f GFLOP/s on %s with %d threads%n", gemm, dev,
                    actualThreads);
            diffs.forEach((f, v) -> System.out.printf("max |logits(%s) - logits(masked)|: %.2e%n", f, v));
            if (!plans.isEmpty()) {
                System.out.println("condensed layer plans: " + plans);
            }
            for (String f : List.of("condensed", "condensed-reference")) {
                double r = ratio(results, f, "masked", 64);
                if (!Double.isNaN(r)) {
                    System.out.printf("%s / masked throughput at batch 64: %.2fx%n", f, r);
                }
            }
        }
        return 0;
    }

    private static double ratio(Map<String, List<Throughput.Result>> results, String a, String b, int batch) {
        if (!results.containsKey(a) || !results.containsKey(b)) {
            return Double.NaN;
        }
        double ra = results.get(a).stream().filter(r -> r.batchSize() == batch)
                .mapToDouble(Throughput.Result::imagesPerSec).findFirst().orElse(Double.NaN);
        double rb = results.get(b).stream().filter(r -> r.batchSize() == batch)
                .mapToDouble(Throughput.Result::imagesPerSec).findFirst().orElse(Double.NaN);
        return ra / rb;
    }
}
