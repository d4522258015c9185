package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The condensed classifier (docs/design.md §4.3): keeps the half of the input features with the largest
 * summed absolute weight, {@code x[:, index]} → Linear(F/2 → K); {@code (N, F)} → logits {@code (N, K)}.
 */
public final class CondensedLinear extends IndexedBlock {

    private static final byte VERSION = 1;

    private final int inFeatures;
    private final int classes;
    private final Linear linear;
    private final Parameter linearWeight;

    /**
     * An uninitialised classifier; its index is set by the {@link Converter} or loaded with the parameters.
     *
     * @param inFeatures F, features entering the classifier
     * @param classes K, logits per image
     */
    public CondensedLinear(int inFeatures, int classes) {
        super(VERSION, keptFeatures(inFeatures));
        this.inFeatures = inFeatures;
        this.classes = classes;
        this.linear = addChildBlock("linear", Linear.builder().setUnits(classes).build());
        this.linearWeight = linear.getParameters().get("weight");
    }

    /** {@code int(F·0.5)}, as the authors' CondensingLinear(drop_rate = 0.5), docs/design.md §4.3. */
    public static int keptFeatures(int inFeatures) {
        return (int) (inFeatures * 0.5);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(linearWeight, x.getDevice(), false);
        x = ChannelOps.gather(x, deviceIndex(x, w));
        return linear.forward(ps, new NDList(x), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, new Shape(inputShapes[0].get(0), keptFeatures(inFeatures)));
    }

    /** F, features before the gather. */
    public int inFeatures() {
        return inFeatures;
    }

    /** K, number of classes. */
    public int classes() {
        return classes;
    }

    /** The linear layer over the kept features, weight {@code (K, F/2)} and bias {@code (K)}. */
    public Linear linear() {
        return linear;
    }
}
