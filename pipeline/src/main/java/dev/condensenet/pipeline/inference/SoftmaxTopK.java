package dev.condensenet.pipeline.inference;

/**
 * Softmax over one frame's class logits and its {@code k} most probable classes, without allocation per call.
 * The softmax subtracts the largest logit before exponentiating (the usual shift that leaves the result
 * unchanged, Goodfellow et al., "Deep Learning", section 4.1), so large logits do not overflow, and sums in
 * double. Among equal probabilities the lower class index ranks first, so results are deterministic.
 *
 * <p>Not thread-safe: one instance per operator subtask. After {@link #apply} the results are read with
 * {@link #index(int)} and {@link #score(int)}; they stay valid until the next call.
 */
public final class SoftmaxTopK {
    private final int classes;
    private final int k;
    private final float[] probs;
    private final int[] topIndex;
    private final float[] topScore;

    /**
     * @param classes logits per frame, >= 1
     * @param k       classes to rank; capped at {@code classes}
     * @throws IllegalArgumentException if {@code classes < 1} or {@code k < 1}
     */
    public SoftmaxTopK(int classes, int k) {
        if (classes < 1 || k < 1) {
            throw new IllegalArgumentException("need classes >= 1 and k >= 1, not " + classes + " and " + k);
        }
        this.classes = classes;
        this.k = Math.min(k, classes);
        this.probs = new float[classes];
        this.topIndex = new int[this.k];
        this.topScore = new float[this.k];
    }

    /** Classes ranked per call: {@code min(k, classes)}. */
    public int k() {
        return k;
    }

    /**
     * Ranks the frame whose logits are {@code logits[offset .. offset + classes - 1]}.
     *
     * @throws IllegalStateException if a logit is NaN or infinite (a broken model, not a bad frame)
     */
    public void apply(float[] logits, int offset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float v = logits[offset + c];
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("non-finite logit " + v + " for class " + c);
            }
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            double e = Math.exp((double) logits[offset + c] - max);
            probs[c] = (float) e;
            sum += e;
        }
        // sum >= 1: the largest logit contributes exp(0).
        for (int c = 0; c < classes; c++) {
            probs[c] = (float) (probs[c] / sum);
        }
        // Repeated selection: k and the class count are small, and it needs no allocation.
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (probs[c] >= 0f && (best < 0 || probs[c] > probs[best])) {
                    best = c;
                }
            }
            topIndex[r] = best;
            topScore[r] = probs[best];
            probs[best] = -1f; // taken
        }
    }

    /** Class index of rank {@code r} (0 = most probable) of the last {@link #apply}. */
    public int index(int r) {
        return topIndex[r];
    }

    /** Probability of rank {@code r} of the last {@link #apply}, in [0, 1]. */
    public float score(int r) {
        return topScore[r];
    }
}
