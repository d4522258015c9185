package dev.condensenet.pipeline.inference;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** The batching operator's metrics, in the operator's metric group {@code condensenet}. */
public final class InferenceMetrics {
    /** Samples kept per histogram: enough for stable p99 at camera rates, small to update. */
    private static final int WINDOW = 2048;

    public final Counter predictions;
    public final Counter batches;
    public final Histogram batchSize;
    public final Counter flushSize;
    public final Counter flushTimer;
    public final Counter flushBarrier;
    public final Counter flushEnd;
    public final Histogram inferenceTimeMicros;
    public final Histogram latencyMs;
    public final Meter throughput;

    public InferenceMetrics(MetricGroup operatorGroup) {
        MetricGroup g = operatorGroup.addGroup("condensenet");
        predictions = g.counter("predictions");
        batches = g.counter("batches");
        batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
        flushSize = g.counter("flushSize");
        flushTimer = g.counter("flushTimer");
        flushBarrier = g.counter("flushBarrier");
        flushEnd = g.counter("flushEnd");
        inferenceTimeMicros = g.histogram("inferenceTimeMicros", new DescriptiveStatisticsHistogram(WINDOW));
        latencyMs = g.histogram("latencyMs", new DescriptiveStatisticsHistogram(WINDOW));
        throughput = g.meter("predictionsPerSecond", new MeterView(predictions));
    }

    Counter flushCounter(FlushReason reason) {
        return switch (reason) {
            case SIZE -> flushSize;
            case TIMER -> flushTimer;
            case BARRIER -> flushBarrier;
            case END -> flushEnd;
        };
    }
}
