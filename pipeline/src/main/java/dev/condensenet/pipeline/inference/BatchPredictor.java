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
     * @param batch  {@code n * frameSize} normalized CHW pixels, frame after frame (may be longer); the
     *               predictor may overwrite them (the caller refills the buffer for every batch)
     * @param n      number of frames, 1..maxBatch
     * @param logits receives {@code n * numClasses} logits, frame after frame (may be longer)
     */
    void predict(float[] batch, int n, float[] logits) throws Exception;

    /**
     * The version of the model that ran the last {@link #predict} call: its number under a model root
     * ({@link dev.condensenet.model.store.ModelRoot}), 0 for a fixed model directory. A predictor that
     * swaps models ({@link HotSwapPredictor}) does so only in {@link #serving()}, between two batches, so one
     * batch is always classified by one version.
     */
    default long modelVersion() {
        return 0L;
    }

    /**
     * Between two batches, on the caller's thread: adopts a new model version if one is ready (hot swap) and
     * returns the spec (name, class names, input) of the model the next {@link #predict} call runs, or null
     * if that is always {@link PredictorFactory#spec()}. The caller sizes its logits ({@code maxBatch ×}
     * the spec's class count) and names classes from it; the input it passes stays the factory spec's (a
     * predictor serving another input maps the batch itself). The same object is returned until a swap.
     */
    default ModelSpec serving() {
        return null;
    }

    @Override
    void close() throws Exception;
}
