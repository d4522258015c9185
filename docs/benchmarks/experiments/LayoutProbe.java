import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.condensenet.model.engine.TorchRuntime;

/**
 * One-off probe behind BENCHMARKS.md ("Why batch 64 is not 4× batch 1 on this CPU"): a dense network of
 * fmnist-26's shape (4-4-4 layers, growth 8-16-32, 28×28, every layer's 1×1 over its whole prefix, BN+ReLU
 * folded into max(x, θ), as the compiled `dense1-*` plans run it) executed in two memory layouts:
 * NCHW block buffers with the 1×1 as a batched matmul (what CompiledLayer does), and NHWC buffers with the
 * 1×1 as one GEMM over all pixels and a channels-last 3×3. Prints ms per batch for both and, for NCHW,
 * the time per op kind. Random weights; both layouts compute the same function (max diff printed).
 *
 *   java -cp training/target/condensenet-training.jar docs/benchmarks/experiments/LayoutProbe.java THREADS BATCH [GROUPS]
 */
public class LayoutProbe {
    static final Shape ONE = new Shape(1, 1);
    static final int[] GROWTH = {8, 16, 32};
    static final int LAYERS = 4, STEM = 16, SIZE = 28;
    static final String[] OPS = {"max(x,θ)", "1x1 matmul", "bias+relu", "3x3 conv", "write slice"};
    static final long[] OP_NANOS = new long[OPS.length];
    static int groups;
    static final boolean SPLIT = Boolean.getBoolean("split");

    public static void main(String[] args) {
        TorchRuntime.init(Integer.parseInt(args[0]));
        int batch = Integer.parseInt(args[1]);
        groups = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[][] w = new NDArray[3 * LAYERS][];
            int c = STEM;
            for (int b = 0, li = 0; b < 3; b++) {
                int k = GROWTH[b], o = 4 * k;
                for (int l = 0; l < LAYERS; l++, c += k) {
                    w[li++] = new NDArray[] {m.randomNormal(new Shape(o, c)).mul(0.1), m.randomNormal(new Shape(o)),
                        m.randomNormal(new Shape(k, o / groups, 3, 3)).mul(0.05), m.randomNormal(new Shape(c))};
                }
            }
            NDArray x = m.randomNormal(new Shape(batch, STEM, SIZE, SIZE));
            for (String layout : new String[] {"nchw", "nhwc", "nchw", "nhwc"}) {
                java.util.Arrays.fill(OP_NANOS, 0);
                for (int i = 0; i < 3; i++) {
                    run(layout, x, w).close();
                }
                long t0 = System.nanoTime();
                int it = 0;
                while (it < 5 || System.nanoTime() - t0 < 3e9) {
                    run(layout, x, w).close();
                    it++;
                }
                double ms = (System.nanoTime() - t0) / 1e6 / it;
                System.out.printf("%s batch %d groups %d: %.2f ms/batch, %.0f images/s%n", layout, batch, groups, ms,
                        batch * 1000 / ms);
                if (layout.equals("nchw")) {
                    for (int i = 0; i < OPS.length; i++) {
                        System.out.printf("    %-12s %5.1f ms/batch%n", OPS[i], OP_NANOS[i] / 1e6 / (it + 3));
                    }
                }
            }
            NDArray a = run("nchw", x, w), b = run("nhwc", x, w);
            System.out.println("max |nchw - nhwc| = " + a.sub(b).abs().max().getFloat());
        }
    }

    static NDArray run(String layout, NDArray x, NDArray[][] w) {
        try (NDManager it = x.getManager().newSubManager()) {
            NDArray out = layout.equals("nchw") ? nchw(it, x, w) : nhwc(it, x, w);
            out.toFloatArray();
            out.attach(x.getManager());
            return out;
        }
    }

    static NDArray pool(NDArray f) {
        return Pool.avgPool2d(f, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }

    static NDArray nchw(NDManager it, NDArray x, NDArray[][] w) {
        long n = x.getShape().get(0);
        int c = STEM, hw = SIZE, li = 0;
        NDArray features = x;
        for (int b = 0; b < 3; b++) {
            int k = GROWTH[b], o = 4 * k;
            if (b > 0) {
                features = pool(features);
                hw /= 2;
            }
            NDArray buf = it.create(new Shape(n, c + LAYERS * k, hw, hw), DataType.FLOAT32);
            buf.set(new NDIndex(":, 0:{}", c), features);
            for (int l = 0; l < LAYERS; l++, li++, c += k) {
                long t0 = System.nanoTime();
                NDArray a = buf.get(new NDIndex(":, 0:{}", c)).maximum(w[li][3].reshape(1, c, 1, 1));
                long t1 = System.nanoTime();
                NDArray y = w[li][0].matMul(a.reshape(n, c, (long) hw * hw));
                y.attach(it);
                long t2 = System.nanoTime();
                y.addi(w[li][1].reshape(o, 1));
                NDArray r = y.getNDArrayInternal().relu().reshape(n, o, hw, hw);
                long t3 = System.nanoTime();
                long t4;
                if (SPLIT && groups > 1) {
                    // the grouped 3x3 as one dense conv per group, each written into its own slice
                    int og = o / groups, kg = k / groups;
                    for (int g = 0; g < groups; g++) {
                        NDArray rg = r.get(new NDIndex(":, {}:{}", g * og, (g + 1) * og));
                        NDArray wg = w[li][2].get(new NDIndex("{}:{}", g * kg, (g + 1) * kg));
                        NDArray vg = Conv2d.conv2d(rg, wg, null, ONE, ONE, ONE, 1).singletonOrThrow();
                        buf.set(new NDIndex(":, {}:{}", c + g * kg, c + (g + 1) * kg), vg);
                    }
                    t4 = System.nanoTime();
                } else {
                    NDArray v = Conv2d.conv2d(r, w[li][2], null, ONE, ONE, ONE, groups).singletonOrThrow();
                    t4 = System.nanoTime();
                    buf.set(new NDIndex(":, {}:{}", c, c + k), v);
                }
                long t5 = System.nanoTime();
                long[] t = {t0, t1, t2, t3, t4, t5};
                for (int i = 0; i < OPS.length; i++) {
                    OP_NANOS[i] += t[i + 1] - t[i];
                }
            }
            features = buf;
        }
        return features.mean(new int[] {3}).mean(new int[] {2});
    }

    static NDArray nhwc(NDManager it, NDArray x, NDArray[][] w) {
        long n = x.getShape().get(0);
        int c = STEM, hw = SIZE, li = 0;
        NDArray features = x;
        for (int b = 0; b < 3; b++) {
            int k = GROWTH[b], o = 4 * k, end = c + LAYERS * k;
            if (b > 0) {
                features = pool(features);
                hw /= 2;
            }
            long pixels = n * hw * hw;
            NDArray buf = it.create(new Shape(n, hw, hw, end), DataType.FLOAT32);
            NDArray rows = buf.reshape(pixels, end); // a view: one row of channels per pixel
            rows.set(new NDIndex(":, 0:{}", c), features.transpose(0, 2, 3, 1).reshape(pixels, c));
            for (int l = 0; l < LAYERS; l++, li++, c += k) {
                NDArray a = rows.get(new NDIndex(":, 0:{}", c)).maximum(w[li][3]);
                NDArray y = Linear.linear(a, w[li][0], w[li][1]).singletonOrThrow();
                NDArray r = y.getNDArrayInternal().relu().reshape(n, hw, hw, o).transpose(0, 3, 1, 2);
                NDArray v = Conv2d.conv2d(r, w[li][2], null, ONE, ONE, ONE, groups).singletonOrThrow();
                rows.set(new NDIndex(":, {}:{}", c, c + k), v.transpose(0, 2, 3, 1).reshape(pixels, k));
            }
            features = buf.transpose(0, 3, 1, 2);
        }
        return features.mean(new int[] {3}).mean(new int[] {2});
    }
}
