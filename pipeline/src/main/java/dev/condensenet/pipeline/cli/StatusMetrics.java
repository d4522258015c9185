package dev.condensenet.pipeline.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The job's own {@code condensenet} metrics, read in this JVM for {@code run --status-interval}: a Flink
 * metric reporter (registered as a service, configured by {@link #configure}) that keeps the counters and
 * histograms of every subtask of the local job, and the status line made from them. Local Flink only: a
 * cluster's TaskManagers report to their own reporters.
 */
public final class StatusMetrics implements MetricReporter {

    /** The reporter's name in the Flink configuration. */
    static final String REPORTER = "condensenet-status";

    /** Every subtask's metric of one name (counters are summed, p99 is the largest of the subtasks'). */
    private static final Map<String, List<Metric>> METRICS = new ConcurrentHashMap<>();

    /** Flink creates the reporter through its service loader from {@code metrics.reporter.*.factory.class}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new StatusMetrics();
        }
    }

    /** Adds the reporter to a local job's Flink configuration. */
    static void configure(org.apache.flink.configuration.Configuration conf) {
        conf.setString("metrics.reporter." + REPORTER + ".factory.class", Factory.class.getName());
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (isOurs(group)) {
            METRICS.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (isOurs(group)) {
            METRICS.getOrDefault(name, List.of()).remove(metric);
        }
    }

    private static boolean isOurs(MetricGroup group) {
        String[] scope = group.getScopeComponents();
        return scope.length > 0 && scope[scope.length - 1].equals("condensenet");
    }

    /** Sum of a counter over the subtasks. */
    static long count(String name) {
        long sum = 0;
        for (Metric m : METRICS.getOrDefault(name, List.of())) {
            if (m instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    /** The largest 99th percentile of a histogram over the subtasks, or NaN before any value. */
    static double p99(String name) {
        double max = Double.NaN;
        for (Metric m : METRICS.getOrDefault(name, List.of())) {
            if (m instanceof Histogram h && h.getCount() > 0) {
                double q = h.getStatistics().getQuantile(0.99);
                max = Double.isNaN(max) ? q : Math.max(max, q);
            }
        }
        return max;
    }

    /** Counters at one moment, to turn two of them into rates. */
    record Snapshot(long nanos, long framesIn, long predictions, long deadLettered, long batches) {

        static Snapshot now() {
            return new Snapshot(System.nanoTime(), count("framesIn"), count("predictions"), count("deadLettered"),
                    count("batches"));
        }

        /**
         * {@code status: 1234 frames in, 1200 predictions, 34 dead letters, 118.0 frames/s, mean batch 12.3, p99
         * latency 45 ms}: totals so far, rate and mean batch since {@code before}, p99 latency over the last
         * batches of the busiest subtask.
         */
        String line(Snapshot before, double p99LatencyMs) {
            double seconds = Math.max(1e-9, (nanos - before.nanos) / 1e9);
            long out = predictions + deadLettered - before.predictions - before.deadLettered;
            long batchesSince = batches - before.batches;
            return String.format(Locale.ROOT, "status: %d frames in, %d predictions, %d dead letters, %.1f frames/s, "
                    + "mean batch %s, p99 latency %s", framesIn, predictions, deadLettered, out / seconds,
                    batchesSince == 0 ? "-" : String.format(Locale.ROOT, "%.1f",
                            (double) (predictions - before.predictions) / batchesSince),
                    Double.isNaN(p99LatencyMs) ? "-" : String.format(Locale.ROOT, "%.0f ms", p99LatencyMs));
        }
    }
}
