package dev.condensenet.model.onnx;

import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.fold.LayerWeights;
import dev.condensenet.model.net.BatchNorms;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.CondensedConv;
import dev.condensenet.model.net.CondensedLinear;
import dev.condensenet.model.net.DenseLayer;
import dev.condensenet.model.onnx.OnnxProto.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a converted (condensed) CondenseNet as a standard ONNX model (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}): input {@code input}, float32 NCHW {@code (batch, inChannels, imageSize, imageSize)},
 * already normalised; output {@code logits}, float32 {@code (batch, classes)}; the batch dimension is
 * symbolic. The graph is the converted tree of docs/design.md §4 node for node — per dense layer
 * {@code Gather} (the learned input channels) → {@code BatchNormalization} → {@code Relu} → grouped 1×1
 * {@code Conv} → channel shuffle ({@code Gather} with the fixed permutation) → {@code BatchNormalization} →
 * {@code Relu} → grouped 3×3 {@code Conv} → {@code Concat}; transitions are {@code AveragePool} 2×2; the
 * classifier is {@code Gather} of the kept features → {@code Gemm}. Runtimes fold the BatchNorms and
 * fuse what they can themselves.
 *
 * <p>Not the compiled serving form (its folds are an execution choice of this project's engine); the
 * function is the same up to float rounding.
 */
public final class OnnxExporter {

    /** The ONNX operator set the graph uses (every op here exists unchanged since opset 13). */
    public static final int OPSET = 17;
    /** The ONNX IR version written (ONNX 1.13+, every ONNX Runtime since 1.14). */
    public static final int IR_VERSION = 8;
    /** Graph input name. */
    public static final String INPUT = "input";
    /** Graph output name. */
    public static final String OUTPUT = "logits";
    private static final String BATCH = "batch";

    private final CondenseNetConfig config;
    private LayerPlan plan;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Message> nodes = new ArrayList<>();
    private final List<Message> initializers = new ArrayList<>();

    private OnnxExporter(CondenseNetConfig config) {
        this.config = config;
    }

    /** An exporter for converted trees of {@code config}. */
    public static OnnxExporter forConfig(CondenseNetConfig config) {
        return new OnnxExporter(config);
    }

    /**
     * Writes every dense layer in the folded form of {@code plan} instead of the converted tree: the exact
     * rewrites the compiled libtorch network serves ({@link LayerWeights}, docs/design.md §7) — post-shuffle
     * BatchNorm folded into the 1×1 conv's weight and bias, BatchNorm + ReLU as one {@code Max(x, θ)} where
     * every BN scale is positive, and the gather and shuffle folded into a dense conv where the plan has one.
     * Same function up to float rounding; fewer nodes and memory passes for a runtime that does not find these
     * folds itself (ONNX Runtime does not fold a BatchNorm that precedes a ReLU and a conv).
     */
    public OnnxExporter optPlan(LayerPlan plan) {
        this.plan = plan;
        return this;
    }

    /** Adds a {@code metadata_props} entry (model name, normalisation, class names…). */
    public OnnxExporter optMetadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Writes the model. {@code out} is not closed.
     *
     * @param condensed the converted tree ({@link CondenseNet.Form#CONDENSED}) with its parameters loaded
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the tree does not have the structure of {@code config}
     */
    public void write(Block condensed, OutputStream out) throws IOException {
        nodes.clear();
        initializers.clear();
        String x = graph(condensed);
        Message graph = new Message();
        for (Message n : nodes) {
            graph.message(1, n);
        }
        graph.string(2, "condensenet");
        for (Message t : initializers) {
            graph.message(5, t);
        }
        long size = config.imageSize();
        graph.message(11, OnnxProto.floatValueInfo(INPUT, BATCH, null, (long) config.inChannels(), size, size));
        graph.message(12, OnnxProto.floatValueInfo(x, BATCH, null, (long) config.classes()));
        Message model = new Message().int64(1, IR_VERSION).string(2, "condensenet")
                .string(6, "CondenseNet (Huang et al., CVPR 2018), condensed form: " + config)
                .message(7, graph)
                .message(8, new Message().string(1, "").int64(2, OPSET));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.message(14, new Message().string(1, e.getKey()).string(2, e.getValue()));
        }
        out.write(model.toByteArray());
        out.flush();
    }

    private String graph(Block condensed) {
        List<Block> children = CondenseNet.features(condensed).getChildren().values();
        int child = 0;
        String x = op("Conv", "stem", new String[] {INPUT, weight("stem.w", conv(children.get(child++)))},
                OnnxProto.intsAttr("kernel_shape", 3, 3), OnnxProto.intsAttr("pads", 1, 1, 1, 1),
                OnnxProto.intsAttr("strides", config.stemStride(), config.stemStride()));
        for (int m = 0; m < config.blocks(); m++) {
            if (m > 0) {
                child++;
                x = op("AveragePool", "transition" + m, new String[] {x},
                        OnnxProto.intsAttr("kernel_shape", 2, 2), OnnxProto.intsAttr("strides", 2, 2));
            }
            for (int l = 0; l < config.stage(m); l++) {
                Block b = children.get(child++);
                if (!(b instanceof DenseLayer layer) || !(layer.bottleneck() instanceof CondensedConv cc)) {
                    throw new IllegalArgumentException("not a converted tree of " + config + ": child " + (child - 1)
                            + " is " + b.getClass().getSimpleName());
                }
                String name = "b" + (m + 1) + ".l" + (l + 1);
                x = plan == null ? denseLayer(name, x, layer, cc) : foldedLayer(name, x, LayerWeights.of(layer));
            }
        }
        x = batchNormRelu("final", x, LayerWeights.batchNorm((BatchNorm) children.get(child)));
        x = op("GlobalAveragePool", "pool", new String[] {x});
        x = op("Flatten", "flatten", new String[] {x}, OnnxProto.intAttr("axis", 1));
        CondensedLinear fc = (CondensedLinear) CondenseNet.classifier(condensed);
        x = op("Gather", "fc.gather", new String[] {x, indices("fc.index", fc.index())},
                OnnxProto.intAttr("axis", 1));
        ParameterList p = fc.linear().getParameters();
        float[] w = p.get("weight").getArray().toFloatArray();
        float[] bias = p.get("bias").getArray().toFloatArray();
        String wName = constant("fc.w", OnnxProto.floatTensor("fc.w", w, fc.classes(), w.length / fc.classes()));
        String bName = constant("fc.b", OnnxProto.floatTensor("fc.b", bias, bias.length));
        nodes.add(OnnxProto.node("Gemm", "fc", new String[] {x, wName, bName}, OUTPUT,
                OnnxProto.intAttr("transB", 1)));
        return OUTPUT;
    }

    /** gather → BN → ReLU → grouped 1×1 → shuffle → BN → ReLU → grouped 3×3, concatenated to the input. */
    private String denseLayer(String name, String in, DenseLayer layer, CondensedConv cc) {
        int groups = cc.groups();
        String x = op("Gather", name + ".gather", new String[] {in, indices(name + ".index", cc.index())},
                OnnxProto.intAttr("axis", 1));
        x = batchNormRelu(name + ".norm1", x, LayerWeights.batchNorm(cc.norm()));
        x = op("Conv", name + ".conv1", new String[] {x, weight(name + ".conv1.w", cc.conv())},
                OnnxProto.intsAttr("kernel_shape", 1, 1), OnnxProto.intAttr("group", groups));
        int o = cc.outChannels();
        int perGroup = o / groups;
        int[] shuffle = new int[o]; // position c after the shuffle reads channel j of the grouped output
        for (int c = 0; c < o; c++) {
            shuffle[c] = (c % groups) * perGroup + c / groups;
        }
        x = op("Gather", name + ".shuffle", new String[] {x, indices(name + ".shuffle.index", shuffle)},
                OnnxProto.intAttr("axis", 1));
        x = batchNormRelu(name + ".norm2", x, LayerWeights.batchNorm(layer.norm()));
        x = op("Conv", name + ".conv2", new String[] {x, weight(name + ".conv2.w", layer.conv())},
                OnnxProto.intsAttr("kernel_shape", 3, 3), OnnxProto.intsAttr("pads", 1, 1, 1, 1),
                OnnxProto.intAttr("group", groups));
        return op("Concat", name + ".concat", new String[] {in, x}, OnnxProto.intAttr("axis", 1));
    }

    /**
     * The layer in {@link #plan}'s folded form: [gather] → Max(x, θ) (or BN → ReLU) → 1×1 conv + bias → ReLU →
     * [shuffle] → 3×3 conv (grouped, or dense absorbing the shuffle), concatenated to the input.
     */
    private String foldedLayer(String name, String in, LayerWeights lw) {
        boolean gathers = plan.gathers();
        boolean dense3 = plan.dense3x3();
        String x = in;
        if (gathers) {
            x = op("Gather", name + ".gather", new String[] {x, indices(name + ".index", lw.index())},
                    OnnxProto.intAttr("axis", 1));
        }
        LayerWeights.Pointwise pw = gathers ? lw.gatheredPointwise() : lw.densePointwise();
        int o = lw.bottleneckWidth();
        if (pw.clamped()) {
            String theta = constant(name + ".theta",
                    OnnxProto.floatTensor(name + ".theta", pw.theta(), 1, pw.inputs(), 1, 1));
            x = op("Max", name + ".clamp", new String[] {x, theta});
        } else {
            x = batchNormRelu(name + ".norm1", x, new float[][] {pw.gamma(), pw.beta(), pw.mean(), pw.var()});
        }
        String w1 = constant(name + ".conv1.w",
                OnnxProto.floatTensor(name + ".conv1.w", pw.weight(), o, pw.inputs() / pw.groups(), 1, 1));
        String b1 = constant(name + ".conv1.b", OnnxProto.floatTensor(name + ".conv1.b", pw.bias(), o));
        x = op("Conv", name + ".conv1", new String[] {x, w1, b1},
                OnnxProto.intsAttr("kernel_shape", 1, 1), OnnxProto.intAttr("group", pw.groups()));
        x = op("Relu", name + ".relu2", new String[] {x});
        if (plan == LayerPlan.GATHER_SHUFFLE) {
            x = op("Gather", name + ".shuffle", new String[] {x, indices(name + ".shuffle.index", lw.shuffle())},
                    OnnxProto.intAttr("axis", 1));
        }
        int g3 = dense3 ? 1 : lw.groups();
        float[] w3 = dense3 ? lw.dense3x3(gathers) : lw.grouped3x3();
        String w3Name = constant(name + ".conv2.w",
                OnnxProto.floatTensor(name + ".conv2.w", w3, lw.growth(), o / g3, 3, 3));
        x = op("Conv", name + ".conv2", new String[] {x, w3Name},
                OnnxProto.intsAttr("kernel_shape", 3, 3), OnnxProto.intsAttr("pads", 1, 1, 1, 1),
                OnnxProto.intAttr("group", g3));
        return op("Concat", name + ".concat", new String[] {in, x}, OnnxProto.intAttr("axis", 1));
    }

    /** BatchNormalization ({gamma, beta, mean, var}) → Relu. */
    private String batchNormRelu(String name, String in, float[][] bn) {
        String[] inputs = {in, null, null, null, null};
        String[] keys = {"gamma", "beta", "runningMean", "runningVar"};
        for (int i = 0; i < 4; i++) {
            inputs[i + 1] = constant(name + "." + keys[i], OnnxProto.floatTensor(name + "." + keys[i], bn[i], bn[i].length));
        }
        String x = op("BatchNormalization", name, inputs, OnnxProto.floatAttr("epsilon", BatchNorms.EPSILON));
        return op("Relu", name + ".relu", new String[] {x});
    }

    private String op(String type, String name, String[] inputs, Message... attributes) {
        nodes.add(OnnxProto.node(type, name, inputs, name + ".out", attributes));
        return name + ".out";
    }

    private String weight(String name, Conv2d conv) {
        ai.djl.ndarray.NDArray w = conv.getParameters().get("weight").getArray();
        return constant(name, OnnxProto.floatTensor(name, w.toFloatArray(), w.getShape().getShape()));
    }

    private String indices(String name, int[] index) {
        long[] v = new long[index.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = index[i];
        }
        return constant(name, OnnxProto.int64Tensor(name, v, v.length));
    }

    private String constant(String name, Message tensor) {
        initializers.add(tensor);
        return name;
    }

    private static Conv2d conv(Block b) {
        if (!(b instanceof Conv2d c)) {
            throw new IllegalArgumentException("expected the stem convolution, got " + b.getClass().getSimpleName());
        }
        return c;
    }
}
