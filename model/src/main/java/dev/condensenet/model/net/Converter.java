package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import dev.condensenet.model.error.UserError;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Converts a trained, fully condensed training-form network into the condensed inference network
 * (docs/design.md §4; paper, "Index layer"): a separate block tree, built from the config, whose arrays are
 * computed from the trained ones. Blocks that the two forms share (stem, 3×3 group convs, batch norms) are
 * copied unchanged; in eval mode the two forms give the same features and differ only by the condensed
 * classifier's feature pruning (§4.3).
 */
public final class Converter {

    private Converter() {
    }

    /**
     * Builds and initialises the condensed form of {@code config} in {@code manager} and fills it from
     * {@code trained}. The trained tree must be fully condensed: every layer at stage C−1, with exactly R/C
     * input columns alive per group.
     *
     * @param trained a training-form tree of {@code config}, initialised or loaded
     * @param config its architecture
     * @param manager owns the condensed tree's arrays; keep {@code trained} open until this returns
     * @return the condensed tree, initialised for NCHW input {@code (1, C, S, S)}
     * @throws IllegalStateException if {@code trained} is not fully condensed or its structure does not match
     *     {@code config}
     * @throws UserError if a layer's mask keeps another number of columns than its stage allows (masks of an
     *     earlier version that skipped stages): converting it would not give the trained network
     */
    public static SequentialBlock convert(SequentialBlock trained, CondenseNetConfig config, NDManager manager) {
        Condenser condenser = new Condenser(trained);
        if (!condenser.isFullyCondensed()) {
            throw new IllegalStateException("cannot convert: the network is at condensing stage "
                    + condenser.currentStage() + " of " + (config.condenseFactor() - 1)
                    + "; train past half of the schedule first");
        }
        List<LearnedGroupConv> layers = condenser.layers();
        for (int i = 0; i < layers.size(); i++) {
            LearnedGroupConv l = layers.get(i);
            int[] alive = l.aliveColumnsPerGroup();
            for (int g = 0; g < alive.length; g++) {
                if (alive[g] != l.expectedAliveColumns()) {
                    throw new UserError("cannot convert learned group conv " + (i + 1) + " of " + layers.size()
                            + " (" + l.inChannels() + "->" + l.outChannels() + " channels): group " + g + " keeps "
                            + alive[g] + " input channels at condensing stage " + l.stage() + ", expected "
                            + l.expectedAliveColumns() + "; its mask skipped condensing stages, so the converted "
                            + "model would not be the trained one");
                }
            }
        }
        SequentialBlock condensed = CondenseNet.builder().setConfig(config)
                .optForm(CondenseNet.Form.CONDENSED).build();
        condensed.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(config, 1));
        copyTree(trained, condensed);
        return condensed;
    }

    private static void copyTree(Block from, Block to) {
        if (from instanceof LearnedGroupConv && to instanceof CondensedConv) {
            convertLayer((LearnedGroupConv) from, (CondensedConv) to);
            return;
        }
        if (from instanceof Linear && to instanceof CondensedLinear) {
            convertClassifier((Linear) from, (CondensedLinear) to);
            return;
        }
        if (from.getClass() != to.getClass()) {
            throw new IllegalStateException("network structures differ: " + from.getClass().getSimpleName()
                    + " vs " + to.getClass().getSimpleName());
        }
        List<Block> a = from.getChildren().values();
        List<Block> b = to.getChildren().values();
        if (a.isEmpty()) {
            copyDirect(from.getDirectParameters(), to.getDirectParameters());
            return;
        }
        if (a.size() != b.size()) {
            throw new IllegalStateException("network structures differ in " + from.getClass().getSimpleName());
        }
        for (int i = 0; i < a.size(); i++) {
            copyTree(a.get(i), b.get(i));
        }
    }

    private static void copyDirect(ParameterList from, ParameterList to) {
        for (int i = 0; i < from.size(); i++) {
            Arrays2.assign(to.get(i).getValue().getArray(), from.get(i).getValue().getArray());
        }
    }

    /** docs/design.md §4.1: group-major gather index, gathered BN statistics, group-contiguous grouped weight. */
    static void convertLayer(LearnedGroupConv lgc, CondensedConv out) {
        int r = lgc.inChannels();
        int o = lgc.outChannels();
        int g = lgc.groups();
        int perGroup = out.gatheredChannels() / g;
        int d = o / g;
        float[] mask = lgc.mask().getArray().toFloatArray();
        float[] w = lgc.weight().getArray().toFloatArray();

        int[] index = new int[g * perGroup];
        for (int grp = 0; grp < g; grp++) {
            int p = 0;
            for (int j = 0; j < r; j++) {
                if (mask[grp * r + j] != 0f) { // row grp is a member of group grp
                    if (p == perGroup) {
                        throw new IllegalStateException("group " + grp + " keeps more than " + perGroup
                                + " input channels");
                    }
                    index[grp * perGroup + p++] = j;
                }
            }
            if (p != perGroup) {
                throw new IllegalStateException("group " + grp + " keeps " + p + " input channels, expected "
                        + perGroup);
            }
        }
        out.setIndex(index, r);
        gatherBatchNorm(lgc.norm(), out.norm(), index);

        float[] wNew = new float[o * perGroup];
        for (int grp = 0; grp < g; grp++) {
            for (int t = 0; t < d; t++) {
                int src = (grp + t * g) * r;
                int dst = (grp * d + t) * perGroup;
                for (int p = 0; p < perGroup; p++) {
                    wNew[dst + p] = w[src + index[grp * perGroup + p]];
                }
            }
        }
        Arrays2.assign(out.conv().getParameters().get("weight").getArray(), wNew);
    }

    private static void gatherBatchNorm(BatchNorm from, BatchNorm to, int[] index) {
        ParameterList src = from.getParameters();
        ParameterList dst = to.getParameters();
        for (int i = 0; i < src.size(); i++) {
            Pair<String, Parameter> p = src.get(i);
            float[] values = p.getValue().getArray().toFloatArray();
            float[] gathered = new float[index.length];
            for (int q = 0; q < index.length; q++) {
                gathered[q] = values[index[q]];
            }
            Arrays2.assign(dst.get(p.getKey()).getArray(), gathered);
        }
    }

    /** docs/design.md §4.3: keep the half of the features with the largest Σ_k |W[k, j]|, in ascending importance. */
    static void convertClassifier(Linear fc, CondensedLinear out) {
        NDArray weight = fc.getParameters().get("weight").getArray();
        int classes = (int) weight.getShape().get(0);
        int features = (int) weight.getShape().get(1);
        float[] w = weight.toFloatArray();
        double[] importance = new double[features];
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < features; j++) {
                importance[j] += Math.abs(w[k * features + j]);
            }
        }
        int kept = CondensedLinear.keptFeatures(features);
        int[] ascending = IntStream.range(0, features).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> importance[j]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
        int[] index = Arrays.copyOfRange(ascending, features - kept, features);
        out.setIndex(index, features);
        float[] wNew = new float[classes * kept];
        for (int k = 0; k < classes; k++) {
            for (int q = 0; q < kept; q++) {
                wNew[k * kept + q] = w[k * features + index[q]];
            }
        }
        Arrays2.assign(out.linear().getParameters().get("weight").getArray(), wNew);
        Arrays2.assign(out.linear().getParameters().get("bias").getArray(), fc.getParameters().get("bias").getArray());
    }
}
