package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Drives the condensing schedule of every {@link LearnedGroupConv} in a network from the global training
 * progress (docs/design.md §3.3; paper, "Condensation procedure" and Fig. 4). The training loop calls
 * {@link #update(double)} before the forward pass of each iteration, outside gradient recording; inference
 * never touches the masks.
 */
public final class Condenser {

    private final List<LearnedGroupConv> layers;
    private final int condenseFactor;

    /**
     * Collects the learned group convolutions of {@code root} in network order.
     *
     * @throws IllegalArgumentException if the tree has none (e.g. a condensed tree)
     */
    public Condenser(Block root) {
        List<LearnedGroupConv> found = new ArrayList<>();
        collect(root, found);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no learned group convolutions in this network");
        }
        this.layers = Collections.unmodifiableList(found);
        this.condenseFactor = found.get(0).condenseFactor();
    }

    private static void collect(Block block, List<LearnedGroupConv> out) {
        if (block instanceof LearnedGroupConv) {
            out.add((LearnedGroupConv) block);
            return;
        }
        block.getChildren().values().forEach(child -> collect(child, out));
    }

    /**
     * The stage for a training progress in [0, 1): {@code floor(2·p·(C−1))} during the first half,
     * {@code C−1} (optimisation) afterwards. Boundaries fall into the next stage.
     */
    public static int stageFor(double progress, int condenseFactor) {
        if (condenseFactor < 2) {
            return 0;
        }
        if (2 * progress < 1) {
            return Math.min((int) Math.floor(2 * progress * (condenseFactor - 1)), condenseFactor - 1);
        }
        return condenseFactor - 1;
    }

    /** The global progress of iteration {@code i} of {@code epoch}: {@code (epoch·nBatch + i)/(epochs·nBatch)}. */
    public static double progress(int epoch, long batchIndex, long batchesPerEpoch, int epochs) {
        return (epoch * (double) batchesPerEpoch + batchIndex) / (epochs * (double) batchesPerEpoch);
    }

    /**
     * Condenses every layer that is behind the stage of {@code progress}.
     *
     * @return the new stage if any layer changed, otherwise -1
     */
    public int update(double progress) {
        int target = stageFor(progress, condenseFactor);
        boolean changed = false;
        for (LearnedGroupConv layer : layers) {
            changed |= layer.condenseTo(target);
        }
        return changed ? target : -1;
    }

    /** Steps through all remaining stages now, e.g. to export a network that was not trained to the end. */
    public void condenseFully() {
        for (LearnedGroupConv layer : layers) {
            layer.condenseTo(condenseFactor - 1);
        }
    }

    /**
     * The layers whose mask keeps more input columns than their stage allows: masks written by an
     * earlier version, which removed one stage's columns when the schedule passed several stages at once.
     * Such a network is not what its stage says, and {@link Converter} refuses it.
     */
    public List<LearnedGroupConv> layersBehindTheirStage() {
        List<LearnedGroupConv> behind = new ArrayList<>();
        for (LearnedGroupConv layer : layers) {
            for (int alive : layer.aliveColumnsPerGroup()) {
                if (alive != layer.expectedAliveColumns()) {
                    behind.add(layer);
                    break;
                }
            }
        }
        return behind;
    }

    /**
     * Removes the columns of every layer in {@link #layersBehindTheirStage()} that its stage should
     * have removed, by the importance rule of the schedule ({@link LearnedGroupConv#pruneSkippedStages()}).
     *
     * @return how many layers changed
     */
    public int pruneSkippedStages() {
        int changed = 0;
        for (LearnedGroupConv layer : layers) {
            changed += layer.pruneSkippedStages() ? 1 : 0;
        }
        return changed;
    }

    /** Re-freezes every layer's mask, stage and count; call after {@code Model.load}. */
    public void freezeBuffers() {
        layers.forEach(LearnedGroupConv::freezeBuffers);
    }

    /**
     * Sum of the group-lasso terms of all layers still condensing, or {@code null} if none is; owned
     * by {@code scope}.
     */
    public NDArray lassoLoss(NDManager scope) {
        NDArray total = null;
        for (LearnedGroupConv layer : layers) {
            NDArray term = layer.lassoLoss(scope);
            if (term != null) {
                total = total == null ? term : total.add(term);
            }
        }
        return total;
    }

    /** The lowest stage among the layers (they move together in normal training). */
    public int currentStage() {
        return layers.stream().mapToInt(LearnedGroupConv::stage).min().orElse(0);
    }

    /** Whether every layer is at stage C−1, i.e. the network can be converted. */
    public boolean isFullyCondensed() {
        return layers.stream().allMatch(LearnedGroupConv::isFullyCondensed);
    }

    /** Fraction of all learned-group-conv weights that are masked out, weighted by layer size. */
    public double sparsity() {
        double zeros = 0;
        double total = 0;
        for (LearnedGroupConv layer : layers) {
            double n = (double) layer.inChannels() * layer.outChannels();
            zeros += layer.sparsity() * n;
            total += n;
        }
        return zeros / total;
    }

    /** C of the network (taken from its first layer). */
    public int condenseFactor() {
        return condenseFactor;
    }

    /** The learned group convolutions in network order (unmodifiable). */
    public List<LearnedGroupConv> layers() {
        return layers;
    }
}
