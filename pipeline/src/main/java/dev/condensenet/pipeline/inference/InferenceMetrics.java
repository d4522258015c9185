package dev.condensenet.pipeline.inference;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
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

    private final MetricGroup group;

    public InferenceMetrics(MetricGroup operatorGroup) {
        MetricGroup g = operatorGroup.addGroup("condensenet");
        group = g;
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

    /**
     * With {@code --batching shared}: the batcher's merged batch sizes (frames, JVM-wide), the share of time its
     * device runs batches (0..1) and the frames queued for it; {@code waitMicros} is this subtask's wait for
     * its logits (queueing plus the merged batch), the same histogram as {@code inferenceTimeMicros}.
     */
    void registerShared(SharedBatcher batcher) {
        group.histogram("mergedBatchSize", batcher.mergedBatchSize);
        group.gauge("deviceBusyFraction", (Gauge<Double>) batcher::busyFraction);
        group.gauge("queueDepth", (Gauge<Integer>) batcher::queueDepth);
        group.histogram("waitMicros", inferenceTimeMicros);
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
