package dev.condensenet.model.net;

import ai.djl.nn.norm.BatchNorm;

/**
 * The one BatchNorm setting of every CondenseNet layer, training and condensed form alike, and of the
 * compiled network's folds (which must divide by the same {@code sqrt(var + eps)} the blocks use).
 * The values are PyTorch's {@code nn.BatchNorm2d} defaults (ε 1e-5, momentum 0.1), which the reference
 * implementation of the paper (Huang et al., CVPR 2018) uses.
 */
public final class BatchNorms {

    /** ε added to the running variance: {@code y = γ·(x − mean)/sqrt(var + ε) + β}. */
    public static final float EPSILON = 1e-5f;

    /**
     * DJL's momentum convention, {@code running = momentum·running + (1 − momentum)·batch}: 0.9 here is
     * PyTorch's {@code momentum=0.1}.
     */
    public static final float MOMENTUM = 0.9f;

    private BatchNorms() {
    }

    /** A BatchNorm over the channel axis (1, NCHW) with {@link #EPSILON} and {@link #MOMENTUM}. */
    public static BatchNorm create() {
        return BatchNorm.builder().optEpsilon(EPSILON).optMomentum(MOMENTUM).build();
    }
}
