package dev.condensenet.pipeline.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One measurement point: the frames sent for it (frame id {@code p<id>-<seq>}), when each was sent,
 * and when its prediction or dead letter was read back by the output consumer. The sender writes
 * {@link #sent}; the reader thread writes the rest and publishes through the atomic counters.
 */
public final class Point {
    final int id;
    final int frames;
    final AtomicLongArray sentNanos;
    private final long[] readNanos;
    private final long[] upstreamMs;
    private final byte[] outputs;
    private final AtomicInteger predictions = new AtomicInteger();
    private final AtomicInteger deadLetters = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private long inverseBatchSum1e6;

    Point(int id, int frames) {
        this.id = id;
        this.frames = frames;
        this.sentNanos = new AtomicLongArray(frames);
        this.readNanos = new long[frames];
        this.upstreamMs = new long[frames];
        this.outputs = new byte[frames];
    }

    String frameId(int seq) {
        return "p" + id + "-" + seq;
    }

    /** Reader thread: an output for frame {@code seq} read at {@code now}. */
    void record(int seq, boolean prediction, int batchSize, long upstream, long now) {
        if (outputs[seq]++ > 0) {
            duplicates.incrementAndGet();
            return;
        }
        readNanos[seq] = now;
        upstreamMs[seq] = upstream;
        if (prediction) {
            inverseBatchSum1e6 += batchSize > 0 ? 1_000_000 / batchSize : 0;
            predictions.incrementAndGet();
        } else {
            deadLetters.incrementAndGet();
        }
    }

    public int predictions() {
        return predictions.get();
    }

    public int deadLetters() {
        return deadLetters.get();
    }

    public int duplicates() {
        return duplicates.get();
    }

    public int missing() {
        return frames - predictions.get() - deadLetters.get();
    }

    boolean complete() {
        return predictions.get() + deadLetters.get() >= frames;
    }

    /** Read times of all outputs so far, sorted (call after the counters say enough arrived). */
    long[] sortedReadTimes() {
        int n = predictions.get() + deadLetters.get(); // acquire: the arrays below are visible
        long[] t = new long[n];
        int k = 0;
        for (int i = 0; i < frames && k < n; i++) {
            if (outputs[i] > 0) {
                t[k++] = readNanos[i];
            }
        }
        Arrays.sort(t, 0, k);
        return k == n ? t : Arrays.copyOf(t, k);
    }

    /** Read − sent, in ms, per frame that came back, sorted. */
    double[] sortedLatenciesMs() {
        int n = predictions.get() + deadLetters.get();
        double[] l = new double[n];
        int k = 0;
        for (int i = 0; i < frames && k < n; i++) {
            if (outputs[i] > 0) {
                l[k++] = (readNanos[i] - sentNanos.get(i)) / 1e6;
            }
        }
        Arrays.sort(l, 0, k);
        return k == n ? l : Arrays.copyOf(l, k);
    }

    /**
     * Sent → inference done (the prediction's {@code inferenceTs − captureTs}, wall-clock ms) per
     * prediction, sorted: the part of the latency before the sink.
     */
    double[] sortedUpstreamMs() {
        int n = predictions.get() + deadLetters.get();
        double[] l = new double[n];
        int k = 0;
        for (int i = 0; i < frames && k < n; i++) {
            if (outputs[i] > 0 && upstreamMs[i] >= 0) {
                l[k++] = upstreamMs[i];
            }
        }
        Arrays.sort(l, 0, k);
        return Arrays.copyOf(l, k);
    }

    /** Frames per batch as the model saw them: frames / batches. */
    double meanBatchSize() {
        int p = predictions.get();
        return inverseBatchSum1e6 > 0 ? p / (inverseBatchSum1e6 / 1e6) : 0;
    }

    /**
     * Steady-state output rate: outputs between the 10th and 90th percentile of read times over that
     * span, so start-up (the first outputs) and the draining tail are left out.
     */
    double steadyFps() {
        long[] t = sortedReadTimes();
        if (t.length < 2) {
            return 0;
        }
        int lo = (int) Math.floor(0.1 * (t.length - 1));
        int hi = (int) Math.ceil(0.9 * (t.length - 1));
        for (; hi - lo >= 1; lo = Math.max(0, lo - 1), hi = Math.min(t.length - 1, hi + 1)) {
            if (t[hi] > t[lo]) {
                return (hi - lo) / ((t[hi] - t[lo]) / 1e9);
            }
            if (lo == 0 && hi == t.length - 1) {
                break;
            }
        }
        return 0;
    }

    /** Outputs per second from the first frame sent to the last output read. */
    double achievedFps() {
        long[] t = sortedReadTimes();
        if (t.length == 0) {
            return 0;
        }
        long first = sentNanos.get(0);
        return t.length / Math.max(1e-9, (t[t.length - 1] - first) / 1e9);
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest rank
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
