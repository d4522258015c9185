package dev.condensenet.model.compiled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.net.BatchNorms;
import dev.condensenet.model.net.CondenseNetConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The condensed network compiled for inference (eval mode only; docs/design.md §7): a float32 NCHW batch
 * {@code (N, inChannels, imageSize, imageSize)}, normalised, → logits {@code (N, classes)}. Same function as
 * the converted block tree it is built from (outputs equal within float rounding), executed differently:
 *
 * <ul>
 *   <li>each dense block owns one feature buffer sized for its final width; every layer writes its k
 *       channels straight into its slice, so the O(L²) copying of repeated concatenation is gone;</li>
 *   <li>exactly foldable work is folded once (post-shuffle BN into the 1×1 conv, the shuffle and, per
 *       plan, the gather into the conv weights; the classifier's feature gather into zero columns);</li>
 *   <li>each layer runs the {@link LayerPlan} that {@link Compiler} picked for its shape.</li>
 * </ul>
 *
 * <p>Not trainable and not saved: the model directory keeps the converted tree (docs/design.md §4.4), and this
 * block is rebuilt from it on load. Intermediates are created in the input's manager and closed as
 * soon as they are consumed.
 */
public final class CompiledCondenseNet extends AbstractBlock implements AutoCloseable {

    private static final byte VERSION = 1;
    private static final Shape POOL = new Shape(2, 2);
    private static final Shape ZERO = new Shape(0, 0);
    private static final Shape ONE = new Shape(1, 1);

    private final CondenseNetConfig config;
    private final NDArray stem;
    private final Shape stemStride;
    private final int[] blockEnd;
    private final NDIndex[] blockHead;
    private final List<List<CompiledLayer>> blocks;
    private final NDArray gammaF, betaF, meanF, varF;
    private final NDArray fcWeight, fcBias;

    CompiledCondenseNet(CondenseNetConfig config, NDArray stem, List<List<CompiledLayer>> blocks,
                        NDArray[] finalNorm, NDArray fcWeight, NDArray fcBias) {
        super(VERSION);
        this.config = config;
        this.stem = stem;
        this.stemStride = new Shape(config.stemStride(), config.stemStride());
        this.blocks = blocks;
        this.blockEnd = new int[config.blocks()];
        this.blockHead = new NDIndex[config.blocks()];
        int channels = config.stemChannels();
        for (int m = 0; m < config.blocks(); m++) {
            blockHead[m] = new NDIndex(":, 0:{}", channels);
            channels += config.stage(m) * config.growth(m);
            blockEnd[m] = channels;
        }
        this.gammaF = finalNorm[0];
        this.betaF = finalNorm[1];
        this.meanF = finalNorm[2];
        this.varF = finalNorm[3];
        this.fcWeight = fcWeight;
        this.fcBias = fcBias;
    }

    /** The architecture this network was compiled for. */
    public CondenseNetConfig config() {
        return config;
    }

    /** The plan each dense layer runs, in network order (one per learned group convolution). */
    public List<LayerPlan> plans() {
        List<LayerPlan> plans = new ArrayList<>();
        for (List<CompiledLayer> b : blocks) {
            for (CompiledLayer l : b) {
                plans.add(l.plan());
            }
        }
        return Collections.unmodifiableList(plans);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        if (training) {
            throw new UnsupportedOperationException("the compiled network is for inference only; train the "
                    + "training form");
        }
        NDArray x = inputs.singletonOrThrow();
        NDArray features = Conv2d.conv2d(x, stem, null, stemStride, ONE, ONE, 1).singletonOrThrow();
        for (int m = 0; m < blocks.size(); m++) {
            if (m > 0) {
                NDArray pooled = Pool.avgPool2d(features, POOL, POOL, ZERO, false, true);
                features.close();
                features = pooled;
            }
            features = runBlock(m, features);
        }
        NDArray n = features.getNDArrayInternal().batchNorm(features, meanF, varF, gammaF, betaF, 1,
                BatchNorms.MOMENTUM, BatchNorms.EPSILON, false).singletonOrThrow();
        features.close();
        NDArray a = n.getNDArrayInternal().relu();
        n.close();
        NDArray pooled = Pool.globalAvgPool2d(a);
        a.close();
        NDArray flat = pooled.reshape(pooled.getShape().get(0), -1);
        pooled.close();
        NDArray logits = Linear.linear(flat, fcWeight, fcBias).singletonOrThrow();
        flat.close();
        return new NDList(logits);
    }

    /** Copies the block's input into the head of a fresh buffer and lets every layer append to it. */
    NDArray runBlock(int m, NDArray in) {
        Shape s = in.getShape();
        NDManager manager = in.getManager();
        NDArray buffer = manager.create(new Shape(s.get(0), blockEnd[m], s.get(2), s.get(3)), DataType.FLOAT32,
                in.getDevice());
        buffer.set(blockHead[m], in);
        in.close();
        for (CompiledLayer layer : blocks.get(m)) {
            layer.forward(buffer);
        }
        return buffer;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.classes())};
    }

    @Override
    public void close() {
        for (List<CompiledLayer> b : blocks) {
            b.forEach(CompiledLayer::close);
        }
        for (NDArray a : new NDArray[] {stem, gammaF, betaF, meanF, varF, fcWeight, fcBias}) {
            a.close();
        }
    }
}
