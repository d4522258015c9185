package dev.condensenet.model.compiled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.fold.LayerWeights;
import dev.condensenet.model.net.BatchNorms;
import dev.condensenet.model.net.ChannelOps;

/**
 * One dense layer of the compiled network in one {@link LayerPlan}: reads the first R channels of
 * its block's feature buffer and writes its k new channels into the buffer's next slice, so no layer
 * copies the features it does not produce (the converted tree concatenates, copying all of them).
 *
 * <p>The 1×1 conv runs as a (batched) matrix product on the NCHW activations, which needs no layout
 * reorder; libtorch's convolution reorders to a blocked layout and back on every call, which cost
 * 2–4× more than the product itself at these widths.
 */
final class CompiledLayer implements AutoCloseable {

    private static final Shape ONE = new Shape(1, 1);

    private final LayerPlan plan;
    private final int groups;
    private final int pointwiseGroups;
    private final long bottleneckWidth;
    private final NDIndex input;
    private final NDIndex output;
    private final NDArray gather;
    private final NDArray theta;
    private final NDArray gamma, beta, mean, var;
    private final NDArray w1, b1, w3;

    /** Builds the plan's arrays in {@code manager} (the compiled model's, on its device). */
    CompiledLayer(LayerWeights lw, LayerPlan plan, int offset, NDManager manager) {
        this.plan = plan;
        this.groups = lw.groups();
        this.bottleneckWidth = lw.bottleneckWidth();
        this.input = new NDIndex(":, 0:{}", lw.prefix());
        this.output = new NDIndex(":, {}:{}", offset, offset + lw.growth());
        LayerWeights.Pointwise pw = plan.gathers() ? lw.gatheredPointwise() : lw.densePointwise();
        this.pointwiseGroups = pw.groups();
        if (plan.gathers()) {
            int[] index = lw.index();
            long[] idx = new long[index.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = index[i];
            }
            gather = manager.create(idx);
        } else {
            gather = null;
        }
        if (pw.clamped()) {
            theta = manager.create(pw.theta(), new Shape(1, pw.inputs(), 1, 1));
            gamma = beta = mean = var = null;
        } else {
            theta = null;
            gamma = manager.create(pw.gamma());
            beta = manager.create(pw.beta());
            mean = manager.create(pw.mean());
            var = manager.create(pw.var());
        }
        long g = pw.groups();
        w1 = manager.create(pw.weight(), new Shape(g, bottleneckWidth / g, pw.inputs() / g));
        b1 = manager.create(pw.bias(), new Shape(g, bottleneckWidth / g, 1));
        if (plan.dense3x3()) {
            w3 = manager.create(lw.dense3x3(plan.gathers()), new Shape(lw.growth(), lw.bottleneckWidth(), 3, 3));
        } else {
            w3 = manager.create(lw.grouped3x3(), new Shape(lw.growth(), lw.bottleneckWidth() / groups, 3, 3));
        }
    }

    LayerPlan plan() {
        return plan;
    }

    /** Reads {@code buffer[:, 0:R]}, writes {@code buffer[:, offset:offset+k]}. */
    void forward(NDArray buffer) {
        NDArray x = plan.gathers() ? ChannelOps.gather(buffer, gather) : buffer.get(input);
        NDArray a;
        if (theta != null) {
            a = x.maximum(theta);
        } else {
            NDArray n = x.getNDArrayInternal().batchNorm(x, mean, var, gamma, beta, 1, BatchNorms.MOMENTUM,
                    BatchNorms.EPSILON, false).singletonOrThrow();
            a = n.getNDArrayInternal().relu();
            n.close();
        }
        x.close();
        NDArray u = pointwise(a);
        a.close();
        NDArray r = u.getNDArrayInternal().relu();
        u.close();
        if (plan == LayerPlan.GATHER_SHUFFLE) {
            NDArray s = ChannelOps.shuffle(r, groups);
            r.close();
            r = s;
        }
        NDArray v = Conv2d.conv2d(r, w3, null, ONE, ONE, ONE, plan.dense3x3() ? 1 : groups).singletonOrThrow();
        r.close();
        buffer.set(output, v);
        v.close();
    }

    /** The 1×1 conv (+ bias) as W·x per group: (G, O/G, C/G) × (N, G, C/G, HW) → (N, O, H, W). */
    private NDArray pointwise(NDArray a) {
        Shape s = a.getShape();
        long n = s.get(0);
        long c = s.get(1);
        NDArray x = a.reshape(n, pointwiseGroups, c / pointwiseGroups, s.get(2) * s.get(3));
        NDArray y = w1.matMul(x);
        y.attach(a.getManager()); // the product lands in the weight's manager; it belongs to the batch
        x.close();
        y.addi(b1);
        NDArray u = y.reshape(n, bottleneckWidth, s.get(2), s.get(3));
        y.close();
        return u;
    }

    @Override
    public void close() {
        for (NDArray a : new NDArray[] {gather, theta, gamma, beta, mean, var, w1, b1, w3}) {
            if (a != null) {
                a.close();
            }
        }
    }
}
