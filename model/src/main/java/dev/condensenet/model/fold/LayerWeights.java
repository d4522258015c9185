package dev.condensenet.model.fold;

import ai.djl.nn.ParameterList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import dev.condensenet.model.net.BatchNorms;
import dev.condensenet.model.net.CondensedConv;
import dev.condensenet.model.net.DenseLayer;

/**
 * The arrays of one condensed dense layer, rewritten for inference (pure Java arrays, no engine call). Three
 * exact rewrites, done once when a serving form is built (the compiled network, the ONNX export):
 *
 * <ul>
 *   <li>the BN after the channel shuffle is an affine map per channel, so it folds into the grouped
 *       1×1 conv that precedes it (scaled rows + a bias);</li>
 *   <li>the shuffle is a fixed permutation, so it folds into whichever conv can absorb a permutation
 *       of its rows (a dense 1×1) or of its input channels (a dense 3×3);</li>
 *   <li>the gather of R' = R·G/C channels folds into a dense 1×1 conv over the R-channel prefix,
 *       whose columns of unused channels are zero, BN(gather(x)) = gather(BN_R(x)) giving the BN.</li>
 * </ul>
 *
 * <p>Naming: {@code c} is a channel position after the shuffle (the order the 3×3 conv and the
 * training form use), {@code j = pi[c]} the same channel in the 1×1 conv's grouped output order.
 */
public final class LayerWeights {

    final int prefix;          // R
    final int[] index;         // gathered channel per slot, length R'
    final int groups;          // G
    final int bottleneckWidth; // O
    final int growth;          // k
    final float[] gamma1, beta1, mean1, var1; // BN over the R' gathered slots
    final float[] w1;          // [O, R'/G] grouped 1×1 conv, rows in grouped order j
    final float[] scale2, shift2; // BN after the shuffle as an affine map, by position c
    final float[] w3;          // [k, O/G, 3, 3] grouped 3×3 conv over positions c
    final int[] pi;            // c → j
    final int[] piInverse;     // j → c

    /**
     * The arrays of a converted dense layer ({@link CondensedConv} bottleneck), copied out of its parameters.
     *
     * @throws IllegalArgumentException if the layer's bottleneck is not a {@link CondensedConv}
     */
    public static LayerWeights of(DenseLayer layer) {
        if (!(layer.bottleneck() instanceof CondensedConv cc)) {
            throw new IllegalArgumentException("not a converted dense layer: its bottleneck is "
                    + layer.bottleneck().getClass().getSimpleName());
        }
        float[][] bn1 = batchNorm(cc.norm());
        float[][] bn2 = batchNorm(layer.norm());
        return new LayerWeights(cc.inChannels(), cc.index(), cc.groups(), cc.outChannels(), layer.growth(),
                bn1[0], bn1[1], bn1[2], bn1[3], weight(cc.conv()),
                bn2[0], bn2[1], bn2[2], bn2[3], weight(layer.conv()));
    }

    /** A BatchNorm's {gamma, beta, running mean, running var}, one value per channel. */
    public static float[][] batchNorm(BatchNorm bn) {
        ParameterList p = bn.getParameters();
        return new float[][] {
            p.get("gamma").getArray().toFloatArray(),
            p.get("beta").getArray().toFloatArray(),
            p.get("runningMean").getArray().toFloatArray(),
            p.get("runningVar").getArray().toFloatArray()
        };
    }

    private static float[] weight(Conv2d conv) {
        return conv.getParameters().get("weight").getArray().toFloatArray();
    }

    LayerWeights(int prefix, int[] index, int groups, int bottleneckWidth, int growth,
                 float[] gamma1, float[] beta1, float[] mean1, float[] var1, float[] w1,
                 float[] gamma2, float[] beta2, float[] mean2, float[] var2, float[] w3) {
        this.prefix = prefix;
        this.index = index;
        this.groups = groups;
        this.bottleneckWidth = bottleneckWidth;
        this.growth = growth;
        this.gamma1 = gamma1;
        this.beta1 = beta1;
        this.mean1 = mean1;
        this.var1 = var1;
        this.w1 = w1;
        this.w3 = w3;
        int o = bottleneckWidth;
        scale2 = new float[o];
        shift2 = new float[o];
        for (int c = 0; c < o; c++) {
            scale2[c] = (float) (gamma2[c] / Math.sqrt((double) var2[c] + BatchNorms.EPSILON));
            shift2[c] = beta2[c] - mean2[c] * scale2[c];
        }
        pi = new int[o];
        piInverse = new int[o];
        int perGroup = o / groups;
        for (int c = 0; c < o; c++) {
            pi[c] = (c % groups) * perGroup + c / groups;
            piInverse[pi[c]] = c;
        }
    }

    /** R: the layer's input channels (the block buffer's prefix it reads). */
    public int prefix() {
        return prefix;
    }

    /** The gathered input channel of each of the R' = R·G/C slots, group by group. */
    public int[] index() {
        return index.clone();
    }

    /** G: groups of the 1×1 and the 3×3 convolution. */
    public int groups() {
        return groups;
    }

    /** O: the bottleneck width (output channels of the 1×1 conv). */
    public int bottleneckWidth() {
        return bottleneckWidth;
    }

    /** k: the growth rate (output channels of the 3×3 conv). */
    public int growth() {
        return growth;
    }

    /** The grouped 3×3 weight [k, O/G, 3, 3] over post-shuffle positions c. */
    public float[] grouped3x3() {
        return w3.clone();
    }

    /** The shuffle as a gather: post-shuffle position c reads the 1×1 conv's grouped output channel pi[c]. */
    public int[] shuffle() {
        return pi.clone();
    }

    int slotsPerGroup() {
        return index.length / groups;
    }

    /** Grouped 1×1 weight with the post-shuffle BN folded in, rows in grouped order j. */
    float[] groupedFoldedWeight() {
        int s = slotsPerGroup();
        float[] w = new float[w1.length];
        for (int j = 0; j < bottleneckWidth; j++) {
            float scale = scale2[piInverse[j]];
            for (int p = 0; p < s; p++) {
                w[j * s + p] = scale * w1[j * s + p];
            }
        }
        return w;
    }

    /** The folded bias of {@link #groupedFoldedWeight}, grouped order j. */
    float[] groupedFoldedBias() {
        float[] b = new float[bottleneckWidth];
        for (int j = 0; j < bottleneckWidth; j++) {
            b[j] = shift2[piInverse[j]];
        }
        return b;
    }

    /**
     * Dense 1×1 weight [O, R] over the un-gathered prefix, rows in shuffled order c (so no shuffle
     * follows), post-shuffle BN folded in.
     */
    float[] denseFoldedWeight() {
        int s = slotsPerGroup();
        int perGroup = bottleneckWidth / groups;
        float[] w = new float[bottleneckWidth * prefix];
        for (int c = 0; c < bottleneckWidth; c++) {
            int j = pi[c];
            int g = j / perGroup;
            for (int p = 0; p < s; p++) {
                w[c * prefix + index[g * s + p]] += scale2[c] * w1[j * s + p];
            }
        }
        return w;
    }

    /** The bias of {@link #denseFoldedWeight}, shuffled order c. */
    float[] denseFoldedBias() {
        return shift2.clone();
    }

    /**
     * BN over all R prefix channels as {gamma, beta, mean, var}: each used channel takes its
     * gathered slot's statistics (duplicates are identical: they were gathered from one BN); an unused
     * channel gets an identity-like BN, which its zero weight column ignores anyway.
     */
    float[][] prefixBatchNorm() {
        float[] g = new float[prefix];
        float[] b = new float[prefix];
        float[] m = new float[prefix];
        float[] v = new float[prefix];
        java.util.Arrays.fill(g, 1f);
        java.util.Arrays.fill(v, 1f);
        for (int q = 0; q < index.length; q++) {
            int ch = index[q];
            g[ch] = gamma1[q];
            b[ch] = beta1[q];
            m[ch] = mean1[q];
            v[ch] = var1[q];
        }
        return new float[][] {g, b, m, v};
    }

    /**
     * The input side of a layer: BN → ReLU → 1×1 conv over {@code inputs} channels in {@code groups}
     * groups. When every BN scale is positive, ReLU(s·x + t) = s·(max(x, θ) − θ) with θ = −t/s, so
     * BN and ReLU collapse into one per-channel {@code max(x, θ)} and the scales and the constant move
     * into the 1×1 weight and bias ({@link #clamped}); otherwise BN and ReLU stay ({@code theta} null).
     */
    public record Pointwise(int inputs, int groups, float[] weight, float[] bias, float[] theta,
                     float[] gamma, float[] beta, float[] mean, float[] var) {

        public boolean clamped() {
            return theta != null;
        }
    }

    /** The gathered plans' input side: BN over the R' slots, grouped 1×1 (rows in grouped order). */
    public Pointwise gatheredPointwise() {
        return fold(index.length, groups, groupedFoldedWeight(), groupedFoldedBias(),
                new float[][] {gamma1, beta1, mean1, var1});
    }

    /** The dense plans' input side: BN over the R prefix, dense 1×1 (rows in shuffled order). */
    public Pointwise densePointwise() {
        return fold(prefix, 1, denseFoldedWeight(), denseFoldedBias(), prefixBatchNorm());
    }

    private Pointwise fold(int inputs, int g, float[] w, float[] b, float[][] bn) {
        int perGroupIn = inputs / g;
        int perGroupOut = bottleneckWidth / g;
        double[] scale = new double[inputs];
        double[] theta = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            scale[i] = bn[0][i] / Math.sqrt((double) bn[3][i] + BatchNorms.EPSILON);
            if (!(scale[i] > 0)) {
                return new Pointwise(inputs, g, w, b, null, bn[0], bn[1], bn[2], bn[3]);
            }
            double shift = bn[1][i] - bn[2][i] * scale[i];
            theta[i] = -shift / scale[i];
        }
        float[] wf = new float[w.length];
        float[] bf = new float[b.length];
        float[] th = new float[inputs];
        for (int i = 0; i < inputs; i++) {
            th[i] = (float) theta[i];
        }
        for (int o = 0; o < bottleneckWidth; o++) {
            int first = (o / perGroupOut) * perGroupIn;
            double bias = b[o];
            for (int p = 0; p < perGroupIn; p++) {
                int in = first + p;
                double ws = w[o * perGroupIn + p] * scale[in];
                wf[o * perGroupIn + p] = (float) ws;
                bias -= ws * th[in];
            }
            bf[o] = (float) bias;
        }
        return new Pointwise(inputs, g, wf, bf, th, null, null, null, null);
    }

    /**
     * The grouped 3×3 conv as a dense conv [k, O, 3, 3]: zero outside each output group's inputs.
     * {@code inputsInGroupedOrder} re-indexes the input channels by j, absorbing the shuffle.
     */
    public float[] dense3x3(boolean inputsInGroupedOrder) {
        int o = bottleneckWidth;
        int inPerGroup = o / groups;
        int outPerGroup = growth / groups;
        float[] w = new float[growth * o * 9];
        for (int q = 0; q < growth; q++) {
            int h = q / outPerGroup;
            for (int t = 0; t < inPerGroup; t++) {
                int c = h * inPerGroup + t;
                int col = inputsInGroupedOrder ? pi[c] : c;
                System.arraycopy(w3, (q * inPerGroup + t) * 9, w, (q * o + col) * 9, 9);
            }
        }
        return w;
    }
}
