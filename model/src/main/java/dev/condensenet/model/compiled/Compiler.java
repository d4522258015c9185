package dev.condensenet.model.compiled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.fold.LayerWeights;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.CondensedLinear;
import dev.condensenet.model.net.DenseLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compiles a converted (condensed) block tree into a {@link CompiledCondenseNet} (docs/design.md §7). With
 * {@link #optAutoPlan} each layer is timed in every {@link LayerPlan} on a synthetic batch on the
 * target device and keeps the fastest: which of "fewer FLOPs" and "fewer memory passes" wins depends
 * on the layer's width and resolution and on the machine, so measuring beats a fixed rule.
 */
public final class Compiler {

    private final CondenseNetConfig config;
    private LayerPlan fixedPlan;
    private int tuneBatch = 32;

    private Compiler(CondenseNetConfig config) {
        this.config = config;
    }

    /** A compiler for trees of {@code config}, auto-planning at batch 32 unless told otherwise. */
    public static Compiler forConfig(CondenseNetConfig config) {
        return new Compiler(config);
    }

    /** Every layer runs {@code plan} (no timing). */
    public Compiler optPlan(LayerPlan plan) {
        this.fixedPlan = plan;
        return this;
    }

    /**
     * Time every plan per layer on a random batch of {@code batchSize} images on the target device (median of
     * 7 runs after 2 warm-ups) and keep the fastest (the default, batch 32).
     */
    public Compiler optAutoPlan(int batchSize) {
        this.fixedPlan = null;
        this.tuneBatch = batchSize;
        return this;
    }

    /**
     * @param condensed the converted tree ({@link CondenseNet.Form#CONDENSED}), initialised or loaded
     * @param manager owns the compiled arrays (the model's manager; its device is the target)
     * @return the compiled network; close it (or {@code manager}) to free its arrays
     */
    public CompiledCondenseNet compile(Block condensed, NDManager manager) {
        List<Block> children = CondenseNet.features(condensed).getChildren().values();
        NDArray stem = copy(children.get(0).getParameters().get("weight").getArray(), manager);
        int child = 1;
        List<List<CompiledLayer>> blocks = new ArrayList<>();
        int channels = config.stemChannels();
        int size = config.stemOutputSize();
        for (int m = 0; m < config.blocks(); m++) {
            if (m > 0) {
                child++; // the transition's pooling has no arrays
                size /= 2;
            }
            int start = channels;
            int end = start + config.stage(m) * config.growth(m);
            List<CompiledLayer> layers = new ArrayList<>();
            for (int l = 0; l < config.stage(m); l++) {
                DenseLayer layer = (DenseLayer) children.get(child++);
                LayerWeights lw = LayerWeights.of(layer);
                layers.add(fixedPlan != null ? new CompiledLayer(lw, fixedPlan, channels, manager)
                        : fastest(lw, channels, end, size, manager));
                channels += config.growth(m);
            }
            blocks.add(layers);
        }
        BatchNorm finalNorm = (BatchNorm) children.get(child);
        NDArray[] norm = new NDArray[4];
        float[][] bn = LayerWeights.batchNorm(finalNorm);
        for (int i = 0; i < 4; i++) {
            norm[i] = manager.create(bn[i]);
        }
        CondensedLinear fc = (CondensedLinear) CondenseNet.classifier(condensed);
        NDArray[] linear = classifier(fc, manager);
        return new CompiledCondenseNet(config, stem, blocks, norm, linear[0], linear[1]);
    }

    /** Times the layer in every plan on a random buffer and returns the fastest (others closed). */
    private CompiledLayer fastest(LayerWeights lw, int offset, int width, int size, NDManager manager) {
        CompiledLayer best = null;
        double bestMs = Double.MAX_VALUE;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray buffer = scratch.randomNormal(new Shape(tuneBatch, width, size, size));
            for (LayerPlan plan : LayerPlan.values()) {
                CompiledLayer candidate = new CompiledLayer(lw, plan, offset, manager);
                double ms = medianMs(candidate, buffer, scratch);
                if (ms < bestMs) {
                    if (best != null) {
                        best.close();
                    }
                    best = candidate;
                    bestMs = ms;
                } else {
                    candidate.close();
                }
            }
        }
        return best;
    }

    private static double medianMs(CompiledLayer layer, NDArray buffer, NDManager scratch) {
        double[] ms = new double[7];
        for (int i = -2; i < ms.length; i++) {
            try (NDManager iteration = scratch.newSubManager()) {
                buffer.tempAttach(iteration);
                long t = System.nanoTime();
                layer.forward(buffer);
                buffer.getFloat(0, 0, 0, 0); // waits for an asynchronous device
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /** The kept-feature gather folded into zero columns of a full-width weight. */
    private static NDArray[] classifier(CondensedLinear fc, NDManager manager) {
        float[] w = fc.linear().getParameters().get("weight").getArray().toFloatArray();
        float[] b = fc.linear().getParameters().get("bias").getArray().toFloatArray();
        int[] index = fc.index();
        int features = fc.inFeatures();
        int classes = fc.classes();
        float[] full = new float[classes * features];
        for (int k = 0; k < classes; k++) {
            for (int q = 0; q < index.length; q++) {
                full[k * features + index[q]] = w[k * index.length + q];
            }
        }
        return new NDArray[] {manager.create(full, new Shape(classes, features)), manager.create(b)};
    }

    private static NDArray copy(NDArray a, NDManager manager) {
        return manager.create(a.toFloatArray(), a.getShape());
    }
}
