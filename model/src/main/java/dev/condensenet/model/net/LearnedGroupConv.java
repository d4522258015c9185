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
 * The 1×1 learned group convolution of the training form (spec §1.2, §2): BN(R) → ReLU → optional
 * dropout → 1×1 conv with a dense weight multiplied by a fixed 0/1 mask.
 *
 * <p>Output channel {@code o} belongs to learned group {@code o mod G} (strided membership, §2.2).
 * The mask, the condensing {@code stage} and {@code count} are non-trainable parameters, so they are
 * saved and loaded with the weights. Condensation is never triggered by {@code forward}: the training
 * loop calls {@link #condenseTo(int)} through the {@link Condenser}.
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
        this.norm = addChildBlock("norm", BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build());
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
     * Moves to {@code targetStage} if it is beyond the current one, removing {@code floor(R/C)} more
     * input columns per group (spec §2.3–2.4). As in the reference, skipping several stages at once
     * still removes only one delta; per-iteration scheduling never skips.
     *
     * @return whether the mask changed
     */
    public boolean condenseTo(int targetStage) {
        if (targetStage <= stage) {
            return false;
        }
        int delta = inChannels / condenseFactor;
        float[] w = weight.getArray().toFloatArray();
        float[] m = mask.getArray().toFloatArray();
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
            int drop = Math.min(delta, alive);
            for (int i = 0; i < drop; i++) {
                int j = order[i];
                for (int t = 0; t < members; t++) {
                    m[(g + t * groups) * inChannels + j] = 0f;
                }
            }
        }
        Arrays2.assign(mask.getArray(), m);
        stage = targetStage;
        count += delta;
        Arrays2.assign(stageParam.getArray(), new float[] {stage});
        Arrays2.assign(countParam.getArray(), new float[] {count});
        return true;
    }

    /**
     * Group-lasso term of this layer (spec §2.5): Σ_g Σ_j sqrt(max(Σ_t (W⊙M)[g+tG, j]², 1e-6)), or
     * {@code null} once the layer has reached its optimisation stage (C−1) and the term is zero. The
     * result and its temporaries belong to {@code scope} (e.g. the batch's manager).
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

    /** Input columns still alive for each group, read from the mask row of the group's first member. */
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

    /** Fraction of masked-out weights. */
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

    public int stage() {
        return stage;
    }

    public int count() {
        return count;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int groups() {
        return groups;
    }

    public int condenseFactor() {
        return condenseFactor;
    }

    public BatchNorm norm() {
        return norm;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter mask() {
        return mask;
    }

    /** Builder: {@code set*} are required. */
    public static final class Builder {
        private int inChannels;
        private int outChannels;
        private int groups = 4;
        private int condenseFactor = -1;
        private float dropout;

        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        public Builder optCondenseFactor(int condenseFactor) {
            this.condenseFactor = condenseFactor;
            return this;
        }

        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

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
