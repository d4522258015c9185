package dev.condensenet.pipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the streaming benchmark measured, as one JSON object or a short table. */
public final class BenchReport {
    /** The targets of the performance issue; reported, never enforced by the command. */
    public static final double PIPELINE_OVER_MODEL_TARGET = 0.9;
    public static final double BATCH_GAIN_TARGET = 4.0;

    /** One batch size: the pipeline at full rate and model-only inference at the same batch size. */
    public record BatchRow(int batchSize, double pipelineFps, double pipelineMeanBatch, double modelFps,
                           double modelMsPerBatch, int frames, boolean complete) {
        double ratio() {
            return modelFps > 0 ? pipelineFps / modelFps : 0;
        }
    }

    /** One paced input rate at the reference batch size; latencies read time − send time. */
    public record RateRow(double fraction, double targetFps, double achievedFps, int frames, double p50Ms,
                          double p95Ms, double p99Ms, double p50ToInferenceMs, double p99ToInferenceMs,
                          double meanBatch, boolean complete) {}

    public String model;
    public String device;
    /** {@code --engine}: pytorch or onnxruntime. */
    public String engine = "pytorch";
    public int threads;
    public int parallelism;
    /** {@code --batching}; with {@code shared}, meanBatch is the mean merged batch a frame was inferred in. */
    public String batching = "per-subtask";
    public long maxDelayMs;
    public int framesPerPoint;
    public double seconds;
    public int referenceBatch;
    public final List<BatchRow> batches = new ArrayList<>();
    public final List<RateRow> rates = new ArrayList<>();
    public long framesSent;
    public long predictions;
    public long deadLettered;
    public long duplicates;
    public long unknownOutputs;
    public double elapsedS;
    public double warmUpS;

    public long missing() {
        return framesSent - predictions - deadLettered;
    }

    public boolean accountedFor() {
        return missing() == 0 && duplicates == 0 && unknownOutputs == 0;
    }

    BatchRow batch(int size) {
        return batches.stream().filter(r -> r.batchSize() == size).findFirst().orElse(null);
    }

    public double peakFps() {
        BatchRow r = batch(referenceBatch);
        return r == null ? 0 : r.pipelineFps();
    }

    public double pipelineOverModel() {
        BatchRow r = batch(referenceBatch);
        return r == null ? 0 : r.ratio();
    }

    /** The smallest batch size measured (1 in the default sweep): the base of {@link #batchGain()}. */
    public int gainBase() {
        return batches.stream().mapToInt(BatchRow::batchSize).min().orElse(0);
    }

    public double batchGain() {
        BatchRow base = batch(gainBase());
        return base == null || base.pipelineFps() <= 0 ? 0 : peakFps() / base.pipelineFps();
    }

    /** The rate point nearest half the peak (exactly 0.5 in the default sweep). */
    public RateRow halfPeak() {
        RateRow best = null;
        for (RateRow r : rates) {
            if (best == null || Math.abs(r.fraction() - 0.5) < Math.abs(best.fraction() - 0.5)) {
                best = r;
            }
        }
        return best;
    }

    /** p99 at half the peak must stay within max-delay-ms + 2 × one reference batch's model-only time. */
    public double latencyBoundMs() {
        BatchRow r = batch(referenceBatch);
        return maxDelayMs + 2 * (r == null ? 0 : r.modelMsPerBatch());
    }

    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("model", model);
        o.put("device", device);
        o.put("engine", engine);
        o.put("threads", threads);
        o.put("parallelism", parallelism);
        o.put("batching", batching);
        o.put("maxDelayMs", maxDelayMs);
        o.put("framesPerPoint", framesPerPoint);
        o.put("seconds", seconds);
        o.put("referenceBatch", referenceBatch);
        o.put("peakFps", round(peakFps(), 1));
        o.put("pipelineOverModel", round(pipelineOverModel(), 3));
        o.put("pipelineOverModelTarget", PIPELINE_OVER_MODEL_TARGET);
        o.put("pipelineOverModelMet", pipelineOverModel() >= PIPELINE_OVER_MODEL_TARGET);
        o.put("batchGain", round(batchGain(), 2));
        o.put("batchGainBase", gainBase());
        o.put("batchGainTarget", BATCH_GAIN_TARGET);
        o.put("batchGainMet", batchGain() >= BATCH_GAIN_TARGET);
        RateRow half = halfPeak();
        o.put("latencyFraction", half == null ? 0 : half.fraction());
        o.put("latencyP50Ms", half == null ? 0 : round(half.p50Ms(), 2));
        o.put("latencyP95Ms", half == null ? 0 : round(half.p95Ms(), 2));
        o.put("latencyP99Ms", half == null ? 0 : round(half.p99Ms(), 2));
        o.put("latencyBoundMs", round(latencyBoundMs(), 2));
        o.put("latencyTargetMet", half != null && half.complete() && half.p99Ms() <= latencyBoundMs());
        ArrayNode bs = o.putArray("batches");
        for (BatchRow r : batches) {
            ObjectNode b = bs.addObject();
            b.put("batchSize", r.batchSize());
            b.put("pipelineFps", round(r.pipelineFps(), 1));
            b.put("modelFps", round(r.modelFps(), 1));
            b.put("modelMsPerBatch", round(r.modelMsPerBatch(), 3));
            b.put("pipelineMsPerBatch", round(r.pipelineFps() > 0 ? 1000 * r.pipelineMeanBatch() / r.pipelineFps() : 0, 3));
            b.put("pipelineOverModel", round(r.ratio(), 3));
            b.put("pipelineMeanBatch", round(r.pipelineMeanBatch(), 2));
            b.put("frames", r.frames());
            b.put("complete", r.complete());
        }
        ArrayNode rs = o.putArray("rates");
        for (RateRow r : rates) {
            ObjectNode x = rs.addObject();
            x.put("fraction", r.fraction());
            x.put("targetFps", round(r.targetFps(), 1));
            x.put("achievedFps", round(r.achievedFps(), 1));
            x.put("frames", r.frames());
            x.put("p50Ms", round(r.p50Ms(), 2));
            x.put("p95Ms", round(r.p95Ms(), 2));
            x.put("p99Ms", round(r.p99Ms(), 2));
            x.put("p50ToInferenceMs", r.p50ToInferenceMs());
            x.put("p99ToInferenceMs", r.p99ToInferenceMs());
            x.put("meanBatch", round(r.meanBatch(), 2));
            x.put("complete", r.complete());
        }
        o.put("framesSent", framesSent);
        o.put("predictions", predictions);
        o.put("deadLettered", deadLettered);
        o.put("missing", missing());
        o.put("duplicates", duplicates);
        o.put("accountedFor", accountedFor());
        o.put("warmUpS", round(warmUpS, 1));
        o.put("elapsedS", round(elapsedS, 1));
        return o.toString();
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model %s on %s (%s), %d inference thread(s), parallelism %d (%s "
                + "batching), max delay %d ms, %d frames per point%n", model, device, engine, threads, parallelism,
                batching, maxDelayMs, framesPerPoint));
        sb.append(String.format(Locale.ROOT, "%6s %14s %12s %14s %10s %10s%n", "batch", "pipeline fps", "model fps",
                "model ms/batch", "pipe/model", "mean batch"));
        for (BatchRow r : batches) {
            sb.append(String.format(Locale.ROOT, "%6d %14.1f %12.1f %14.3f %10.3f %10.2f%s%n", r.batchSize(),
                    r.pipelineFps(), r.modelFps(), r.modelMsPerBatch(), r.ratio(), r.pipelineMeanBatch(),
                    r.complete() ? "" : "  (incomplete)"));
        }
        sb.append(String.format(Locale.ROOT, "%8s %11s %13s %9s %9s %9s %10s%n", "of peak", "target fps",
                "achieved fps", "p50 ms", "p95 ms", "p99 ms", "mean batch"));
        for (RateRow r : rates) {
            sb.append(String.format(Locale.ROOT, "%8.2f %11.1f %13.1f %9.2f %9.2f %9.2f %10.2f%s%n", r.fraction(),
                    r.targetFps(), r.achievedFps(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.meanBatch(),
                    r.complete() ? "" : "  (incomplete)"));
        }
        RateRow half = halfPeak();
        sb.append(String.format(Locale.ROOT, "peak %.1f fps at batch %d; pipeline/model-only %.3f (target >= %.1f);"
                        + " batch %d / batch %d %.2fx (target >= %.0f)%n", peakFps(), referenceBatch,
                pipelineOverModel(), PIPELINE_OVER_MODEL_TARGET, referenceBatch, gainBase(), batchGain(),
                BATCH_GAIN_TARGET));
        if (half != null) {
            sb.append(String.format(Locale.ROOT, "latency at %.2f of peak: p50 %.2f ms, p99 %.2f ms; bound %.2f ms"
                            + " (max delay + 2 x model-only batch time): %s%n", half.fraction(), half.p50Ms(),
                    half.p99Ms(), latencyBoundMs(), half.p99Ms() <= latencyBoundMs() ? "met" : "NOT met"));
        }
        sb.append(accountedFor() ? String.format(Locale.ROOT, "every frame accounted for (%d sent)%n", framesSent)
                : String.format(Locale.ROOT, "NOT all accounted for: %d missing, %d duplicates, %d unknown%n",
                missing(), duplicates, unknownOutputs));
        return sb.toString();
    }

    static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return 0;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
