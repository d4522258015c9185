package dev.condensenet.training.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * Measures eval-mode forward throughput of a block the way a serving loop runs it: the input lives in
 * a long-lived manager and is temporarily attached to a per-iteration sub-manager, so every
 * intermediate is freed right after the iteration (docs/design.md §8.1).
 */
public final class Throughput {

    /**
     * @param batchSize images per forward
     * @param imagesPerSec measured throughput
     * @param msPerBatch mean wall time of one forward
     * @param iterations timed forwards
     */
    public record Result(int batchSize, double imagesPerSec, double msPerBatch, int iterations) {
    }

    private Throughput() {
    }

    /** Warms up, then runs forwards for about {@code seconds} (at least 3 timed iterations). */
    public static Result measure(Block block, Shape imageShape, int batchSize, double seconds, NDManager base) {
        Device device = base.getDevice();
        ParameterStore ps = new ParameterStore(base, false);
        long[] dims = new long[imageShape.dimension() + 1];
        dims[0] = batchSize;
        System.arraycopy(imageShape.getShape(), 0, dims, 1, imageShape.dimension());
        try (NDManager inputs = base.newSubManager(device)) {
            NDArray x = inputs.randomNormal(new Shape(dims));
            for (int i = 0; i < 3; i++) {
                forward(block, ps, x, base);
            }
            long budget = (long) (seconds * 1e9);
            long start = System.nanoTime();
            int n = 0;
            while (n < 3 || System.nanoTime() - start < budget) {
                forward(block, ps, x, base);
                n++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Result(batchSize, n * batchSize / elapsed, 1000 * elapsed / n, n);
        }
    }

    private static void forward(Block block, ParameterStore ps, NDArray x, NDManager base) {
        try (NDManager iteration = base.newSubManager()) {
            x.tempAttach(iteration);
            NDArray y = block.forward(ps, new NDList(x), false).singletonOrThrow();
            y.toFloatArray(); // waits for the device and reads the logits, as a server would
        }
    }

    /** GFLOP/s of a square float32 matrix product, the machine's reachable compute for reference. */
    public static double gemmGflops(NDManager base, double seconds) {
        int n = 1024;
        try (NDManager m = base.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 2; i++) {
                a.matMul(b).close();
            }
            long budget = (long) (seconds * 1e9);
            long start = System.nanoTime();
            int iters = 0;
            while (iters < 3 || System.nanoTime() - start < budget) {
                NDArray c = a.matMul(b);
                c.getFloat(0, 0);
                c.close();
                iters++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return 2.0 * n * n * n * iters / elapsed / 1e9;
        }
    }
}
