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
     * swaps models ({@link HotSwapPredictor}) does so only at the start of a {@code predict} call, so one
     * batch is always classified by one version.
     */
    default long modelVersion() {
        return 0L;
    }

    /**
     * Class names of the model that ran the last {@link #predict} call, index = logit column, or null for
     * the names of {@link PredictorFactory#spec()}. Only a swap allowed to change the labels changes them.
     */
    default String[] classNames() {
        return null;
    }

    @Override
    void close() throws Exception;
}
