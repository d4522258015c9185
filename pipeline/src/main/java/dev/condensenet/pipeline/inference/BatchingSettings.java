package dev.condensenet.pipeline.inference;

import java.io.Serializable;
import java.util.Objects;

/**
 * When the micro-batch operator runs the model: as soon as {@code maxBatch} frames are buffered, or when the
 * oldest buffered frame has waited {@code maxDelayMs} (and always before a checkpoint barrier and at end of
 * input); and who runs it ({@link BatchingMode}).
 *
 * @param maxBatch   most frames per inference batch, 1..4096; with {@link BatchingMode#SHARED} also the most
 *                   frames of one merged batch
 * @param maxDelayMs longest a frame waits for its batch to fill, in milliseconds, >= 1
 * @param mode       per-subtask model or one batcher per TaskManager and device
 */
public record BatchingSettings(int maxBatch, long maxDelayMs, BatchingMode mode) implements Serializable {

    public static final BatchingSettings DEFAULT = new BatchingSettings(32, 20);

    /** @throws IllegalArgumentException naming the flag that is out of range */
    public BatchingSettings {
        if (maxBatch < 1 || maxBatch > 4096) {
            throw new IllegalArgumentException("--max-batch must be 1..4096, not " + maxBatch);
        }
        if (maxDelayMs < 1) {
            throw new IllegalArgumentException("--max-delay-ms must be >= 1, not " + maxDelayMs);
        }
        Objects.requireNonNull(mode, "mode");
    }

    /** Per-subtask batching. */
    public BatchingSettings(int maxBatch, long maxDelayMs) {
        this(maxBatch, maxDelayMs, BatchingMode.PER_SUBTASK);
    }
}
