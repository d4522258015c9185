package dev.condensenet.model.net;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The 1×1 learned group convolution of the training form (docs/design.md §2.1, §3; paper, "Learned Group
 * Convolution", Fig. 3): BN(R) → ReLU → optional dropout → 1×1 conv with a dense weight {@code W (O, R, 1, 1)}
 * multiplied by a fixed 0/1 mask; NCHW {@code (N, R, H, W)} → {@code (N, O, H, W)}.
 *
 * <p>Output channel {@code o} belongs to learned group {@code o mod G} (strided membership, docs/design.md
 * §3.2). The mask, the condensing {@code stage} and {@code count} are non-trainable parameters, so they are
 * saved and loaded with the weights. Condensation is never triggered by {@code forward}: the training loop
 * calls {@link #condenseTo(int)} through the {@link Condenser}.
 */
public final class LearnedGroupConv extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final Shape ONE = new Shape(1, 1);
    private static final Shape ZERO = new Shape(0, 0);

    private final int inChannels;
    private final int outChannels;
    private final int groups;
    private final int condenseFactor;
    private final float dropout;

    private final BatchNorm norm;
    private final Parameter weight;
    private final Parameter mask;
    private final Parameter stageParam;
    private final Parameter countParam;

    // Host-side copies of the two counters; the parameters are the persisted truth.
    private int stage;
    private int count;

    private LearnedGroupConv(Builder b) {
        super(VERSION);
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.groups = b.groups;
        this.condenseFactor = b.condenseFactor;
        this.dropout = b.dropout;
        if (inChannels % groups != 0 || inChannels % condenseFactor != 0 || outChannels % groups != 0) {
            throw new InvalidConfigException("invalid CondenseNet config: learned group conv " + inChannels
                    + "→" + outChannels + " needs inputs divisible by G=" + groups + " and C="
                    + condenseFactor + " and outputs divisible by G");
        }
        this.norm = addChildBlock("norm", BatchNorms.create());
        Shape shape = new Shape(outChannels, inChannels, 1, 1);
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(shape).build());
        this.mask = addParameter(Parameter.builder().setName("mask").setType(Parameter.Type.OTHER)
                .optShape(shape).optInitializer(Initializer.ONES).optRequiresGrad(false).build());
        this.stageParam = addParameter(Parameter.builder().setName("stage").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1)).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
        this.countParam = addParameter(Parameter.builder().setName("count").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1)).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
    }

    /** A builder; in and out channels are required, G defaults to 4 and C to G. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = norm.forward(ps, inputs, training).singletonOrThrow();
        x = Activation.relu(x);
        if (training && dropout > 0) {
            x = Dropout.dropout(x, dropout, true).singletonOrThrow();
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray m = ps.getValue(mask, x.getDevice(), false);
        // An op's result belongs to its first operand's manager: W⊙M would land in the model's
        // long-lived manager and leak (with its autograd graph) on every forward. Hand it to the
        // batch's manager instead.
        NDArray masked = w.mul(m);
        masked.attach(x.getManager());
        return Conv2d.conv2d(x, masked, null, ONE, ZERO, ONE, 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes);
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        stage = Math.round(stageParam.getArray().getFloat());
        count = Math.round(countParam.getArray().getFloat());
    }

    /**
     * Marks mask, stage and count as non-trainable again. DJL's PyTorch {@code Model.load} and
     * {@code newTrainer} unfreeze every parameter of a loaded block, which would let the optimizer
     * decay the mask.
     */
    public void freezeBuffers() {
        mask.freeze(true);
        stageParam.freeze(true);
        countParam.freeze(true);
    }

    /**
     * Moves to {@code targetStage} (at most C−1) if it is beyond the current one. Each stage passed through
     * removes {@code R/C} more input columns per group: the weakest alive columns by L1 norm over the group's
     * masked rows (docs/design.md §3.3–3.4; paper, "Condensation criterion"). A jump over several stages (a
     * short run has fewer iterations than stages) therefore leaves exactly the mask those stages one by one
     * would have left: {@code R − s·R/C} columns per group after stage {@code s}. Call outside gradient
     * recording.
     *
     * @param targetStage the stage for the current training progress, 0 … C−1
     * @return whether the mask changed
     */
    public boolean condenseTo(int targetStage) {
        int target = Math.min(targetStage, condenseFactor - 1);
        if (target <= stage) {
            return false;
        }
        float[] w = weight.getArray().toFloatArray();
        float[] m = mask.getArray().toFloatArray();
        int[] drop = new int[groups];
        Arrays.fill(drop, inChannels / condenseFactor);
        for (int s = stage + 1; s <= target; s++) {
            dropWeakestColumns(w, m, drop);
        }
        setMaskAndStage(m, target);
        return true;
    }

    /**
     * Removes, by the same importance rule as {@link #condenseTo}, the columns a mask kept beyond what
     * its stage allows ({@link #expectedAliveColumns()}): masks written by an earlier version that
     * removed only one stage's columns when several stages were passed at once.
     *
     * @return whether the mask changed
     */
    public boolean pruneSkippedStages() {
        int[] alive = aliveColumnsPerGroup();
        int[] drop = new int[groups];
        boolean behind = false;
        for (int g = 0; g < groups; g++) {
            drop[g] = Math.max(0, alive[g] - expectedAliveColumns());
            behind |= drop[g] > 0;
        }
        if (!behind) {
            return false;
        }
        float[] m = mask.getArray().toFloatArray();
        dropWeakestColumns(weight.getArray().toFloatArray(), m, drop);
        setMaskAndStage(m, stage);
        return true;
    }

    /** Input columns per group that stage {@link #stage()} leaves alive: {@code R − stage·R/C}. */
    public int expectedAliveColumns() {
        return inChannels - stage * (inChannels / condenseFactor);
    }

    /** Zeroes, in every member row of group g, the {@code drop[g]} alive columns of least importance. */
    private void dropWeakestColumns(float[] w, float[] m, int[] drop) {
        int members = outChannels / groups;
        Integer[] order = new Integer[inChannels];
        double[] importance = new double[inChannels];
        for (int g = 0; g < groups; g++) {
            // L1 norm of each input column restricted to the group's (strided) output rows.
            Arrays.fill(importance, 0);
            for (int t = 0; t < members; t++) {
                int row = (g + t * groups) * inChannels;
                for (int j = 0; j < inChannels; j++) {
                    importance[j] += Math.abs(w[row + j] * m[row + j]);
                }
            }
            // Rank only columns still alive for this group (row g is one of its members).
            int alive = 0;
            for (int j = 0; j < inChannels; j++) {
                if (m[g * inChannels + j] != 0f) {
                    order[alive++] = j;
                }
            }
            Arrays.sort(order, 0, alive, (a, c) -> {
                int cmp = Double.compare(importance[a], importance[c]);
                return cmp != 0 ? cmp : Integer.compare(a, c);
            });
            for (int i = 0; i < Math.min(drop[g], alive); i++) {
                int j = order[i];
                for (int t = 0; t < members; t++) {
                    m[(g + t * groups) * inChannels + j] = 0f;
                }
            }
        }
    }

    private void setMaskAndStage(float[] m, int newStage) {
        Arrays2.assign(mask.getArray(), m);
        stage = newStage;
        count = newStage * (inChannels / condenseFactor);
        Arrays2.assign(stageParam.getArray(), new float[] {stage});
        Arrays2.assign(countParam.getArray(), new float[] {count});
    }

    /**
     * Group-lasso term of this layer (docs/design.md §3.5; paper, "Group lasso"):
     * Σ_g Σ_j sqrt(max(Σ_t (W⊙M)[g+tG, j]², 1e-6)), a scalar, or {@code null} once the layer has reached its
     * optimisation stage (C−1) and the term is zero. The result and its temporaries belong to {@code scope}
     * (e.g. the batch's manager, docs/design.md §8.1).
     */
    public NDArray lassoLoss(NDManager scope) {
        if (stage >= condenseFactor - 1) {
            return null;
        }
        NDArray wm = weight.getArray().mul(mask.getArray());
        wm.attach(scope); // see forwardInternal: keep temporaries out of the model's manager
        // Row o = t·G + g, so (O/G, G, R) puts the members of group g at [:, g, :].
        return wm.reshape(outChannels / groups, groups, inChannels)
                .square().sum(new int[] {0}).maximum(1e-6f).sqrt().sum();
    }

    /** Input columns still alive for each group (length G), read from the mask row of the group's first member. */
    public int[] aliveColumnsPerGroup() {
        float[] m = mask.getArray().toFloatArray();
        int[] alive = new int[groups];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < inChannels; j++) {
                if (m[g * inChannels + j] != 0f) {
                    alive[g]++;
                }
            }
        }
        return alive;
    }

    /** Fraction of masked-out weights, in [0, 1 − 1/C]. */
    public double sparsity() {
        float[] m = mask.getArray().toFloatArray();
        int zeros = 0;
        for (float v : m) {
            if (v == 0f) {
                zeros++;
            }
        }
        return (double) zeros / m.length;
    }

    /** Whether condensing is complete, i.e. the layer can be converted (stage C−1). */
    public boolean isFullyCondensed() {
        return stage >= condenseFactor - 1;
    }

    /** Condensing stage reached, 0 … C−1 (C−1 = optimisation stage). */
    public int stage() {
        return stage;
    }

    /** Input columns removed per group so far ({@code stage·floor(R/C)} in normal training). */
    public int count() {
        return count;
    }

    /** R, input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** O = B·k, output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** G, learned groups. */
    public int groups() {
        return groups;
    }

    /** C, the condensation factor. */
    public int condenseFactor() {
        return condenseFactor;
    }

    /** BN over the R inputs (ε 1e-5, DJL momentum 0.9). */
    public BatchNorm norm() {
        return norm;
    }

    /** The dense weight {@code W}, shape {@code (O, R, 1, 1)}. */
    public Parameter weight() {
        return weight;
    }

    /** The 0/1 mask, shape {@code (O, R, 1, 1)}, non-trainable. */
    public Parameter mask() {
        return mask;
    }

    /** Builder: {@code set*} are required; G defaults to 4, C to G, dropout to 0. */
    public static final class Builder {
        private int inChannels;
        private int outChannels;
        private int groups = 4;
        private int condenseFactor = -1;
        private float dropout;

        /** R, divisible by G and C. */
        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** O, divisible by G. */
        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /** G, default 4. */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** C, default G. */
        public Builder optCondenseFactor(int condenseFactor) {
            this.condenseFactor = condenseFactor;
            return this;
        }

        /** Dropout probability before the 1×1 conv, training only; default 0. */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Builds the layer (uninitialised; mask all ones, stage and count 0 once initialised).
         *
         * @throws InvalidConfigException if a channel count is not positive, R is not divisible by G and C,
         *     or O is not divisible by G
         */
        public LearnedGroupConv build() {
            if (inChannels <= 0 || outChannels <= 0) {
                throw new InvalidConfigException("learned group conv needs positive in/out channels");
            }
            if (condenseFactor < 0) {
                condenseFactor = groups;
            }
            return new LearnedGroupConv(this);
        }
    }
}
