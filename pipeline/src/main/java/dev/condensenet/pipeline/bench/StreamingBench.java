package dev.condensenet.pipeline.bench;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingMode;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.inference.InferenceEngine;
import dev.condensenet.pipeline.inference.PredictorFactory;
import dev.condensenet.pipeline.job.StreamingJob;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.KafkaClients;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * The streaming benchmark: an in-JVM Kafka broker and, per batch size, the job on a local Flink fed
 * from a pre-loaded input topic (throughput = steady-state predictions/s at the output consumer), then
 * model-only inference at that batch size through the same predictor code, with the job stopped. On
 * the reference batch size's job, paced input rates (fractions of its measured peak) give latency
 * percentiles: prediction read − frame sent.
 */
public final class StreamingBench {
    /**
     * @param frames      frames per point (pre-loaded per batch size; model-only runs at least as many;
     *                    a rate point sends at most as many)
     * @param seconds     a rate point sends for at most this long (rate × seconds frames)
     * @param rates       fractions of the peak
     * @param warmUpSeconds longest the unmeasured warm-up runs; 0 skips it
     */
    public record Settings(Path model, Path images, int frames, double seconds, List<Integer> batchSizes,
                           int referenceBatch, List<Double> rates, long maxDelayMs, int threads, DeviceSpec device,
                           int parallelism, Duration timeout, double warmUpSeconds, BatchingMode batching,
                           InferenceEngine engine) {}

    private static final double MODEL_ONLY_MIN_SECONDS = 1.0;
    private static final double JIT_QUIET = 0.25;
    private static final int WARM_UP_MAX_ROUNDS = 10;

    private final Settings s;
    private final PrintStream log;

    public StreamingBench(Settings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    public BenchReport run() throws Exception {
        long t0 = System.nanoTime();
        PredictorFactory factory;
        ai.djl.Device d;
        try {
            DjlPredictorFactory torch = DjlPredictorFactory.of(s.model(), s.device(), s.threads());
            factory = s.engine().factory(s.model(), s.device(), s.threads()); // onnxruntime: refuses a GPU
            torch.checkLoads(); // also fixes libtorch's thread count for this JVM, before anything else
            d = s.engine() == InferenceEngine.PYTORCH ? torch.resolveDevice() : ai.djl.Device.cpu();
        } catch (ModelDirectoryException | IllegalArgumentException | IllegalStateException e) {
            throw new StreamingJob.SetupException(e.getMessage()); // e.g. --device gpu without a GPU
        }
        SampleFrames samples = SampleFrames.load(s.images(), factory.spec().decoderSettings(FrameLimits.DEFAULT));
        BenchReport report = new BenchReport();
        report.model = factory.spec().name;
        report.device = d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
        report.engine = s.engine().flagValue();
        report.threads = s.threads();
        report.parallelism = s.parallelism();
        report.batching = s.batching().flagValue();
        report.maxDelayMs = s.maxDelayMs();
        report.framesPerPoint = s.frames();
        report.seconds = s.seconds();
        report.referenceBatch = s.referenceBatch();
        log.printf(Locale.ROOT, "model %s, %d sample images, device %s (%s), %d thread(s), parallelism %d; starting "
                + "Kafka%n", report.model, samples.size(), report.device, report.engine, s.threads(), s.parallelism());
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
            report.warmUpS = warmUp(kafka.bootstrapServers(), admin, samples);
            for (int batch : s.batchSizes()) {
                BenchReport.BatchRow row = batchPoint(kafka.bootstrapServers(), admin, factory, samples, batch,
                        report);
                report.batches.add(row);
            }
        }
        report.elapsedS = (System.nanoTime() - t0) / 1e9;
        return report;
    }

    /**
     * Runs the pipeline, unmeasured, until the JIT compiler is quiet: a long-running job has compiled its
     * hot paths (Kafka client and broker, Flink, decoding, the batch timer), and on 2 cores the compiler
     * threads would otherwise take a large share of the CPU from the measured points. Each round sends a
     * chunk of {@code --frames} frames (at most 1000) at full rate, then about a second of frames paced at
     * half the rate the chunk achieved (paced input takes other paths: small fetches, timer flushes,
     * single-record produce requests). It stops when compilation used under {@link #JIT_QUIET} of a core
     * over a round, after {@link #WARM_UP_MAX_ROUNDS} rounds, or after the warm-up seconds. Returns the
     * seconds it took.
     */
    private double warmUp(String bootstrap, Admin admin, SampleFrames samples) throws Exception {
        if (s.warmUpSeconds() <= 0) {
            return 0;
        }
        long t0 = System.nanoTime();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        int chunk = Math.max(50, Math.min(1000, s.frames()));
        try (JobRun run = new JobRun(admin, job(s.referenceBatch()), bootstrap, s.parallelism(), "warm-up")) {
            run.start(false, "condensenet-bench-warm-up");
            for (int rounds = 1; ; rounds++) {
                long c0 = measurable ? jit.getTotalCompilationTime() : 0;
                long w0 = System.nanoTime();
                awaitWarmUp(run, run.preload(samples, chunk));
                double fps = chunk / ((System.nanoTime() - w0) / 1e9);
                awaitWarmUp(run, run.paced(samples, fps / 2, (int) Math.max(20, Math.min(chunk, fps / 2))));
                double jitShare = measurable ? (jit.getTotalCompilationTime() - c0) / ((System.nanoTime() - w0) / 1e6) : 0;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "warm-up: %d frames at full rate (%.0f frames/s), then paced at half;"
                        + " JIT compiling %.0f%% of a core%n", chunk, fps, 100 * jitShare);
                if (jitShare < JIT_QUIET || rounds >= WARM_UP_MAX_ROUNDS || elapsed > s.warmUpSeconds()) {
                    return elapsed;
                }
            }
        }
    }

    private void awaitWarmUp(JobRun run, Point p) throws Exception {
        if (!run.await(p, s.timeout())) {
            throw new IllegalStateException("warm-up: " + p.missing() + " of " + p.frames
                    + " frames did not come back within " + s.timeout().toSeconds() + " s");
        }
    }

    /** The job as {@code run} builds it, at {@code batch} frames per micro-batch. */
    private StreamingJob.Builder job(int batch) {
        return StreamingJob.builder()
                .setModel(s.model())
                .optBatching(new BatchingSettings(batch, s.maxDelayMs(), s.batching()))
                .optInferenceThreads(s.threads())
                .optEngine(s.engine())
                .optDevice(s.device());
    }

    private BenchReport.BatchRow batchPoint(String bootstrap, Admin admin, PredictorFactory factory,
                                            SampleFrames samples, int batch, BenchReport report) throws Exception {
        double pipelineFps;
        double meanBatch;
        boolean complete;
        try (JobRun run = new JobRun(admin, job(batch), bootstrap, s.parallelism(), "b" + batch)) {
            Point full = run.preload(samples, s.frames());
            count(report, full.frames);
            run.start(false, "condensenet-bench-" + batch);
            complete = run.await(full, s.timeout());
            pipelineFps = full.steadyFps();
            meanBatch = full.meanBatchSize();
            tally(report, full);
            log.printf(Locale.ROOT, "batch %4d: pipeline %8.1f frames/s (mean batch %.1f)%s%n", batch, pipelineFps,
                    meanBatch, complete ? "" : ", INCOMPLETE: " + full.missing() + " missing");
            if (batch == s.referenceBatch()) {
                for (double fraction : s.rates()) {
                    report.rates.add(ratePoint(run, samples, fraction, pipelineFps, report));
                }
            }
            report.unknownOutputs += run.unknownOutputs();
        }
        System.gc(); // the stopped job's garbage is collected now, not during model-only
        Thread.sleep(200);
        ModelOnly.Result m = ModelOnly.measure(factory, samples, batch, s.parallelism(), s.frames(),
                MODEL_ONLY_MIN_SECONDS);
        log.printf(Locale.ROOT, "batch %4d: model only %6.1f frames/s (%.3f ms/batch)%n", batch, m.fps(),
                m.msPerBatch());
        return new BenchReport.BatchRow(batch, pipelineFps, meanBatch, m.fps(), m.msPerBatch(), s.frames(), complete);
    }

    private BenchReport.RateRow ratePoint(JobRun run, SampleFrames samples, double fraction, double peak,
                                          BenchReport report) throws Exception {
        double fps = Math.max(1e-3, fraction * peak);
        int n = (int) Math.max(1, Math.min(s.frames(), Math.round(fps * s.seconds())));
        Thread.sleep(200); // the previous point's tail is out of the way
        Point p = run.paced(samples, fps, n);
        count(report, n);
        boolean complete = run.await(p, s.timeout());
        tally(report, p);
        double[] lat = p.sortedLatenciesMs();
        double[] up = p.sortedUpstreamMs();
        BenchReport.RateRow row = new BenchReport.RateRow(fraction, fps, p.achievedFps(), n,
                Point.percentile(lat, 50), Point.percentile(lat, 95), Point.percentile(lat, 99),
                Point.percentile(up, 50), Point.percentile(up, 99), p.meanBatchSize(), complete);
        log.printf(Locale.ROOT, "rate %.2f x peak = %7.1f frames/s: achieved %7.1f, latency p50 %.1f / p95 %.1f"
                        + " / p99 %.1f ms (to inference done: p50 %.0f / p99 %.0f ms; mean batch %.1f)%s%n", fraction,
                fps, row.achievedFps(), row.p50Ms(), row.p95Ms(), row.p99Ms(), row.p50ToInferenceMs(),
                row.p99ToInferenceMs(), row.meanBatch(), complete ? "" : ", INCOMPLETE: " + p.missing() + " missing");
        return row;
    }

    private static void count(BenchReport r, int sent) {
        r.framesSent += sent;
    }

    private static void tally(BenchReport r, Point p) {
        r.predictions += p.predictions();
        r.deadLettered += p.deadLetters();
        r.duplicates += p.duplicates();
    }
}
