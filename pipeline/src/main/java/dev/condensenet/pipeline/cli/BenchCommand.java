package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.Flags;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.pipeline.bench.BenchPlots;
import dev.condensenet.pipeline.bench.BenchReport;
import dev.condensenet.pipeline.bench.StreamingBench;
import dev.condensenet.pipeline.inference.BatchingMode;
import dev.condensenet.pipeline.inference.InferenceEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: streaming throughput and latency through the in-JVM Kafka and a local Flink (the
 * {@code demo}/{@code run} wiring), next to model-only throughput through the operator's own predictor.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark the streaming pipeline locally (in-JVM Kafka, local Flink, the same job as run):",
            "a batch-size sweep at full rate (pre-loaded input; steady-state predictions/s at the output consumer)",
            "with model-only throughput at each batch size through the operator's predictor, and an input-rate",
            "sweep at fractions of the measured peak (latency = prediction read - frame sent, p50/p95/p99)."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model directory (default: the first in testdata/models/)")
    Path model;

    @Option(names = "--images", description = "Frames to send, cycled (default: testdata/fashion-mnist-sample)")
    Path images;

    @Option(names = "--frames", description = "Frames per point: pre-loaded per batch size, at least as many "
            + "for model-only, at most as many per rate point (default: ${DEFAULT-VALUE})")
    int frames = 3000;

    @Option(names = "--seconds", description = "A rate point sends for at most this long (default: ${DEFAULT-VALUE})")
    double seconds = 5;

    @Option(names = "--batch-sizes", description = "Max batch sizes to sweep at full rate (default: ${DEFAULT-VALUE})")
    String batchSizes = "1,8,32,64";

    @Option(names = "--reference-batch", description = "Batch size for pipelineOverModel, batchGain and the rate "
            + "sweep; the largest of --batch-sizes if not among them (default: ${DEFAULT-VALUE})")
    int referenceBatch = 64;

    @Option(names = "--rates", description = "Input rates as fractions of the peak (default: ${DEFAULT-VALUE})")
    String rates = "0.25,0.5,0.75,0.9";

    @Option(names = "--batching", converter = JobOptions.BatchingConverter.class, description = "per-subtask, "
            + "shared (one model per device, merged batches; meanBatch is then the merged size) or overlapped "
            + "(default: per-subtask)")
    BatchingMode batching = BatchingMode.PER_SUBTASK;

    @Option(names = "--max-delay-ms", description = "Longest a frame waits for its batch (default: ${DEFAULT-VALUE})")
    long maxDelayMs = 20;

    @Mixin
    ThreadsOption threads = new ThreadsOption(1);

    @Mixin
    DeviceOption device;

    @Option(names = "--engine", converter = JobOptions.EngineConverter.class, description = "pytorch or onnxruntime "
            + "(CPU only; --threads per subtask) (default: pytorch)")
    InferenceEngine engine = InferenceEngine.PYTORCH;

    @Option(names = "--parallelism", description = "Subtasks and input partitions; model-only runs as many "
            + "predictors concurrently (default: ${DEFAULT-VALUE})")
    int parallelism = 1;

    @Option(names = "--timeout-s", description = "Give up waiting for a point's outputs after this long "
            + "(default: ${DEFAULT-VALUE})")
    long timeoutS = 180;

    @Option(names = "--warm-up-s", description = "Run the pipeline unmeasured first until the JIT compiler is "
            + "quiet, at most this long; 0 skips (default: ${DEFAULT-VALUE})")
    double warmUpS = 30;

    @Option(names = "--json", description = "Print the results as one JSON object on stdout")
    boolean json;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write " + BenchPlots.THROUGHPUT + " and "
            + BenchPlots.LATENCY + " into DIR")
    Path plot;

    @Override
    public Integer call() throws Exception {
        StreamingBench.Settings settings = settings();
        BenchReport report = new StreamingBench(settings, System.err).run();
        if (plot != null) {
            for (Path p : BenchPlots.write(report, plot)) {
                System.err.println("wrote " + p);
            }
        }
        if (json) {
            System.out.println(report.json());
        } else {
            System.out.print(report.text());
        }
        return report.accountedFor() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Spec
    CommandSpec spec;

    /** Validates the flags: any problem is one line and exit code 2, before anything starts. */
    StreamingBench.Settings settings() {
        List<Integer> batches = parseList("--batch-sizes", batchSizes, Integer::parseInt);
        List<Double> fractions = parseList("--rates", rates, Double::parseDouble);
        Flags.require(batches.stream().allMatch(b -> b >= 1 && b <= 4096), spec, "--batch-sizes",
                "every size must be in 1..4096");
        Flags.require(batches.stream().distinct().count() == batches.size(), spec, "--batch-sizes",
                "has a repeated value");
        Flags.require(fractions.stream().allMatch(f -> f > 0 && f <= 1), spec, "--rates",
                "every rate must be a fraction of the peak in (0, 1]");
        Flags.require(frames >= 1, spec, "--frames", "must be at least 1");
        Flags.require(seconds > 0 && Double.isFinite(seconds), spec, "--seconds", "must be positive");
        Flags.require(maxDelayMs >= 1, spec, "--max-delay-ms", "must be at least 1");
        Flags.require(parallelism >= 1 && parallelism <= 64, spec, "--parallelism", "must be in 1..64");
        Flags.require(timeoutS >= 1, spec, "--timeout-s", "must be at least 1");
        Flags.require(warmUpS >= 0 && Double.isFinite(warmUpS), spec, "--warm-up-s", "must be >= 0 (0 skips it)");
        Flags.require(referenceBatch >= 1, spec, "--reference-batch", "must be at least 1");
        int reference = batches.contains(referenceBatch) ? referenceBatch
                : batches.stream().mapToInt(Integer::intValue).max().orElseThrow();
        Path modelDir = LocalInputs.model(model);
        Path imageDir = LocalInputs.images(images);
        if (plot != null) {
            OutputPaths.requireWritableDirectory(plot, "--plot");
        }
        return new StreamingBench.Settings(modelDir, imageDir, frames, seconds, batches, reference, fractions,
                maxDelayMs, threads.get(), device.get(), parallelism, Duration.ofSeconds(timeoutS), warmUpS, batching,
                engine);
    }

    private <T> List<T> parseList(String flag, String value, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                out.add(parse.apply(part.trim()));
            } catch (NumberFormatException e) {
                Flags.require(false, spec, flag, "'" + part.trim() + "' is not a number");
            }
        }
        return out;
    }
}
