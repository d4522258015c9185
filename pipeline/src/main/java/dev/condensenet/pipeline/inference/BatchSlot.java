package dev.condensenet.pipeline.inference;

import java.util.concurrent.CountDownLatch;

/**
 * One micro-batch's buffers: the frames' pixels (the job's input, frame after frame), what each prediction
 * carries (stream, frame id, capture time), and the logits once the model ran. The operator fills one slot
 * while the other is on the model ({@link MicroBatchInferenceOperator}, overlapped per-subtask inference), so
 * there are two per subtask, allocated in {@code open()}.
 *
 * <p>Hand-over: the task thread fills the slot and submits it; the inference thread runs it, sets the result
 * fields and counts {@link #done} down; the task thread reads the result only after awaiting {@code done}
 * (which orders the writes before the reads).
 */
final class BatchSlot {
    final float[] pixels;
    final String[] streams;
    final String[] frameIds;
    final long[] captureTs;
    int size;
    float[] logits;
    FlushReason reason;
    long firedAt;
    /** Written by the inference thread before {@link #done}. */
    long micros;
    long modelVersion;
    Throwable error;
    CountDownLatch done;

    BatchSlot(int maxBatch, int frameSize) {
        pixels = new float[maxBatch * frameSize];
        streams = new String[maxBatch];
        frameIds = new String[maxBatch];
        captureTs = new long[maxBatch];
    }

    /** Forgets the emitted batch: no strings of an old batch stay pinned. */
    void clear() {
        for (int i = 0; i < size; i++) {
            streams[i] = null;
            frameIds[i] = null;
        }
        size = 0;
        error = null;
        done = null;
    }
}
