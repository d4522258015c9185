package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One dense layer (docs/design.md §2.1; paper, Fig. 1): {@code concat(x, conv3x3(relu(bn(bottleneck(x)))))},
 * NCHW {@code (N, R, H, W)} → {@code (N, R + k, H, W)}, old channels first. The bottleneck ({@code R → B·k}) is a
 * {@link LearnedGroupConv} in the training form and a {@link CondensedConv} in the condensed form; the 3×3 group
 * convolution ({@code B·k → k}, padding 1, G groups, no bias) is the same in both forms.
 */
public final class DenseLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block bottleneck;
    private final BatchNorm norm;
    private final Conv2d conv;
    private final int inChannels;
    private final int growth;

    /**
     * A dense layer around {@code bottleneck}.
     *
     * @param bottleneck the 1×1 part, {@code R → B·k} channels
     * @param inChannels R, channels of the layer input
     * @param growth k, channels the layer adds
     * @param groups G of the 3×3 group convolution
     */
    public DenseLayer(Block bottleneck, int inChannels, int growth, int groups) {
        super(VERSION);
        this.inChannels = inChannels;
        this.growth = growth;
        this.bottleneck = addChildBlock("bottleneck", bottleneck);
        this.norm = addChildBlock("norm", BatchNorms.create());
        this.conv = addChildBlock("conv", Conv2d.builder().setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1)).setFilters(growth).optGroups(groups).optBias(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList y = bottleneck.forward(ps, inputs, training);
        y = norm.forward(ps, y, training);
        y = conv.forward(ps, new NDList(Activation.relu(y.singletonOrThrow())), training);
        return new NDList(x.concat(y.singletonOrThrow(), 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1) + growth, in.get(2), in.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bottleneck.initialize(manager, dataType, inputShapes);
        Shape[] mid = bottleneck.getOutputShapes(inputShapes);
        norm.initialize(manager, dataType, mid);
        conv.initialize(manager, dataType, mid);
    }

    /** The 1×1 part: a {@link LearnedGroupConv} or a {@link CondensedConv}. */
    public Block bottleneck() {
        return bottleneck;
    }

    /** BN over the {@code B·k} bottleneck outputs, before the 3×3 convolution. */
    public BatchNorm norm() {
        return norm;
    }

    /** The 3×3 group convolution, weight {@code (k, B·k/G, 3, 3)}. */
    public Conv2d conv() {
        return conv;
    }

    /** R, input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** k, channels added. */
    public int growth() {
        return growth;
    }
}
