package dev.condensenet.pipeline.inference;

/**
 * Runs the model on a batch. One instance per operator subtask, used from the task thread only; the
 * caller owns the buffers and reuses them for every batch, so an implementation should not allocate
 * per-batch Java arrays it could avoid.
 */
public interface BatchPredictor extends AutoCloseable {
    /**
     * Computes class logits for frames {@code 0..n-1}.
     *
     * @param batch  {@code n * frameSize} normalized CHW pixels, frame after frame (may be longer)
     * @param n      number of frames, 1..maxBatch
     * @param logits receives {@code n * numClasses} logits, frame after frame (may be longer)
     */
    void predict(float[] batch, int n, float[] logits) throws Exception;

    @Override
    void close() throws Exception;
}
