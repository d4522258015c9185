package dev.condensenet.pipeline.cli;

import java.util.Arrays;
import java.util.Locale;

/** The demo's final numbers, printed for people or as one JSON object. */
final class DemoSummary {
    int framesSent;
    int malformedSent;
    int predictions;
    int deadLettered;
    int duplicates;
    int missing;
    /** Correct / labelled predictions; null without labels. */
    Double accuracy;
    int labelled;
    double throughputFps;
    long[] latenciesMs = new long[0];
    double meanBatchSize;
    String model;
    /** Times this run loaded a model from disk: 1, as the subtasks share the load (plus one per version swapped in). */
    long modelLoads;
    /** Predictions per model version (0 = a fixed --model directory). */
    java.util.Map<Long, Integer> perVersion = java.util.Map.of();
    /** With a swap during the run: what it cost the stream (see DemoSwap), else empty. */
    String swapReport = "";
    /** Frames the broker did not take (each printed with its reason); they cannot come back. */
    java.util.List<dev.condensenet.pipeline.kafka.SendResults.Failure> notSent = java.util.List.of();
    boolean sendFailuresAreSetupErrors;

    boolean accountedFor() {
        return missing == 0 && notSent.isEmpty() && predictions + deadLettered == framesSent;
    }

    long percentile(double p) {
        if (latenciesMs.length == 0) {
            return 0;
        }
        long[] s = latenciesMs.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1; // nearest-rank
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    String json() {
        return String.format(Locale.ROOT, "{\"framesSent\":%d,\"predictions\":%d,\"deadLettered\":%d,"
                        + "\"accuracy\":%s,\"throughputFps\":%.1f,\"latencyP50Ms\":%d,\"latencyP95Ms\":%d,"
                        + "\"latencyP99Ms\":%d,\"meanBatchSize\":%.2f,\"duplicates\":%d,\"missing\":%d,"
                        + "\"notSent\":%d,\"accountedFor\":%b,\"model\":\"%s\",\"modelLoads\":%d,"
                        + "\"modelVersions\":%s}",
                framesSent, predictions, deadLettered, accuracy == null ? "null" : String.format(Locale.ROOT, "%.4f", accuracy),
                throughputFps, percentile(50), percentile(95), percentile(99), meanBatchSize, duplicates, missing,
                notSent.size(), accountedFor(), model.replace("\\", "\\\\").replace("\"", "\\\""), modelLoads, versionsJson());
    }

    private String versionsJson() {
        StringBuilder sb = new StringBuilder("{");
        perVersion.forEach((v, n) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(v).append("\":").append(n));
        return sb.append('}').toString();
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model            %s (loaded %s)%n", model,
                modelLoads == 1 ? "once, shared by the subtasks" : modelLoads + " times"));
        if (perVersion.size() > 1 || !perVersion.containsKey(0L) && !perVersion.isEmpty()) {
            StringBuilder vs = new StringBuilder();
            perVersion.forEach((v, n) -> vs.append(vs.length() > 0 ? ", " : "").append("version ").append(v)
                    .append(": ").append(n));
            sb.append(String.format(Locale.ROOT, "model versions   %s predictions%n", vs));
        }
        sb.append(swapReport);
        sb.append(String.format(Locale.ROOT, "frames sent      %d (%d images + %d malformed)%n", framesSent,
                framesSent - malformedSent, malformedSent));
        sb.append(String.format(Locale.ROOT, "predictions      %d%n", predictions));
        sb.append(String.format(Locale.ROOT, "dead-lettered    %d%n", deadLettered));
        sb.append(accuracy == null ? "accuracy         n/a (no labels.csv)\n"
                : String.format(Locale.ROOT, "accuracy         %.3f (%d labelled frames)%n", accuracy, labelled));
        sb.append(String.format(Locale.ROOT, "throughput       %.1f frames/s%n", throughputFps));
        sb.append(String.format(Locale.ROOT, "latency p50/p95/p99  %d / %d / %d ms (capture -> prediction written)%n",
                percentile(50), percentile(95), percentile(99)));
        sb.append(String.format(Locale.ROOT, "mean batch size  %.2f%n", meanBatchSize));
        sb.append(accountedFor() && duplicates == 0 ? "every frame accounted for exactly once\n"
                : String.format(Locale.ROOT, "NOT all accounted for: %d missing, %d duplicates, %d not sent%n", missing,
                duplicates, notSent.size()));
        return sb.toString();
    }
}
