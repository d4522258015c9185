package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The converted learned group convolution (docs/design.md §4.1; paper, "Index layer"): channel gather of
 * R' = R·G/C inputs → BN(R') → ReLU → grouped 1×1 conv (G groups, weight {@code (O, R'/G, 1, 1)}) → channel
 * shuffle; NCHW {@code (N, R, H, W)} → {@code (N, O, H, W)}. The shuffle restores the training-time channel
 * order (§4.2), so the following layer needs no rearrangement.
 */
public final class CondensedConv extends IndexedBlock {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int gathered;
    private final int outChannels;
    private final int groups;
    private final BatchNorm norm;
    private final Conv2d conv;
    private final Parameter convWeight;

    /**
     * An uninitialised layer; its gather index is set by the {@link Converter} or loaded with the parameters.
     *
     * @param inChannels R, the width of the incoming concatenated features
     * @param outChannels O = B·k
     * @param groups G
     * @param condenseFactor C (R' = R·G/C channels are gathered)
     */
    public CondensedConv(int inChannels, int outChannels, int groups, int condenseFactor) {
        super(VERSION, inChannels * groups / condenseFactor);
        this.inChannels = inChannels;
        this.gathered = inChannels * groups / condenseFactor;
        this.outChannels = outChannels;
        this.groups = groups;
        this.norm = addChildBlock("norm", BatchNorms.create());
        this.conv = addChildBlock("conv", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(outChannels).optGroups(groups).optBias(false).build());
        this.convWeight = conv.getParameters().get("weight");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(convWeight, x.getDevice(), false);
        x = ChannelOps.gather(x, deviceIndex(x, w));
        x = norm.forward(ps, new NDList(x), training).singletonOrThrow();
        x = Activation.relu(x);
        x = conv.forward(ps, new NDList(x), training).singletonOrThrow();
        return new NDList(ChannelOps.shuffle(x, groups));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape gatheredShape = new Shape(in.get(0), gathered, in.get(2), in.get(3));
        norm.initialize(manager, dataType, gatheredShape);
        conv.initialize(manager, dataType, gatheredShape);
    }

    /** R, channels of the incoming features. */
    public int inChannels() {
        return inChannels;
    }

    /** R' = R·G/C, channels gathered (the index length). */
    public int gatheredChannels() {
        return gathered;
    }

    /** O, output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** G, groups of the 1×1 convolution and of the shuffle. */
    public int groups() {
        return groups;
    }

    /** BN over the R' gathered channels. */
    public BatchNorm norm() {
        return norm;
    }

    /** The grouped 1×1 convolution, weight {@code (O, R'/G, 1, 1)}, rows group-contiguous. */
    public Conv2d conv() {
        return conv;
    }
}
