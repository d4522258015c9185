/*
 * bfloat16 on the compiled libtorch network (issue #18, "reduced precision"): the same model directory compiled
 * in float32 and in bfloat16 (Compiler#optDataType), accuracy on the real Fashion-MNIST test set and images/s
 * at each batch size, float32 and bfloat16 alternating in one JVM. Not part of the product (BENCHMARKS.md):
 *
 *   java -cp model/target/classes:$(cat model-runtime-classpath.txt) benchmarks/Bf16Bench.java \
 *        testdata/models/fmnist-26 /usr/share/datasets/fashion-mnist 1 1,64 3
 *
 * Arguments: model directory, directory with t10k-images-idx3-ubyte.gz / t10k-labels-idx1-ubyte.gz, intra-op
 * threads, batch sizes, seconds per point. Prints one JSON object.
 */
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.condensenet.model.compiled.CompiledCondenseNet;
import dev.condensenet.model.compiled.Compiler;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.ModelDirectory;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

public class Bf16Bench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path data = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        String[] batches = args[3].split(",");
        double seconds = Double.parseDouble(args[4]);
        DataType reduced = DataType.valueOf(args.length > 5 ? args[5] : "BFLOAT16");
        TorchRuntime.init(threads);
        ModelDirectory md = ModelDirectory.open(dir);
        byte[][] images = idxImages(data.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = idxLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        int size = md.imageSize();
        int frame = size * size;
        float mean = md.mean()[0];
        float std = md.std()[0];
        float[] x = new float[images.length * frame];
        for (int i = 0; i < images.length; i++) {
            for (int p = 0; p < frame; p++) {
                x[i * frame + p] = ((images[i][p] & 0xff) / 255f - mean) / std;
            }
        }
        List<String> rows = new ArrayList<>();
        try (Model reference = md.loadReference(Device.cpu()); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            CompiledCondenseNet f32 = Compiler.forConfig(md.config()).optAutoPlan(64)
                    .compile(reference.getBlock(), reference.getNDManager());
            CompiledCondenseNet bf16 = Compiler.forConfig(md.config()).optAutoPlan(64).optDataType(reduced)
                    .compile(reference.getBlock(), reference.getNDManager());
            int n = images.length;
            float[] l32 = logits(f32, m, x, n, size);
            float[] l16 = logits(bf16, m, x, n, size);
            int c = md.config().classes();
            int ok32 = 0, ok16 = 0, agree = 0;
            double maxDiff = 0;
            for (int i = 0; i < n; i++) {
                int a = argmax(l32, i, c), b = argmax(l16, i, c);
                ok32 += a == labels[i] ? 1 : 0;
                ok16 += b == labels[i] ? 1 : 0;
                agree += a == b ? 1 : 0;
                for (int k = 0; k < c; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(l32[i * c + k] - l16[i * c + k]));
                }
            }
            String acc = String.format(Locale.ROOT, "\"testImages\":%d,\"accuracyFloat32\":%.4f,\"reducedType\":\"%s\",\"accuracyReduced\":%.4f,"
                    + "\"sameClass\":%.4f,\"maxLogitDiff\":%.4f", n, ok32 / (double) n, reduced, ok16 / (double) n,
                    agree / (double) n, maxDiff);
            for (String bs : batches) {
                int b = Integer.parseInt(bs.trim());
                for (int round = 1; round <= 2; round++) { // alternating: f32, bf16, f32, bf16
                    rows.add(row("float32", b, round, ips(f32, m, x, b, size, seconds)));
                    rows.add(row(reduced.toString(), b, round, ips(bf16, m, x, b, size, seconds)));
                }
            }
            System.out.printf(Locale.ROOT, "{\"model\":\"%s\",\"threads\":%d,%s,\"results\":[%s]}%n", md.name(), threads,
                    acc, String.join(",", rows));
        }
    }

    private static String row(String type, int b, int round, double ips) {
        return String.format(Locale.ROOT, "{\"type\":\"%s\",\"batchSize\":%d,\"round\":%d,\"imagesPerSec\":%.1f}", type,
                b, round, ips);
    }

    /** Logits of the first n images, in batches of 100. */
    private static float[] logits(Block net, NDManager m, float[] x, int n, int size) {
        int frame = size * size;
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (int s = 0; s < n; s += 100) {
            int b = Math.min(100, n - s);
            float[] part = forward(net, m, x, s, b, size);
            parts.add(part);
            total += part.length;
        }
        float[] out = new float[total];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static float[] forward(Block net, NDManager m, float[] x, int start, int b, int size) {
        int frame = size * size;
        try (NDManager sub = m.newSubManager()) {
            float[] chunk = new float[b * frame];
            System.arraycopy(x, start * frame, chunk, 0, chunk.length);
            NDArray in = sub.create(chunk, new Shape(b, 1, size, size));
            NDList out = net.forward(new ParameterStore(sub, false), new NDList(in), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    /** Images/s including the input copy in and the logits copy out, cycling over the test images. */
    private static double ips(Block net, NDManager m, float[] x, int b, int size, double seconds) {
        int n = x.length / (size * size) - b;
        for (int i = 0; i < 3; i++) {
            forward(net, m, x, i * b % n, b, size);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        while (System.nanoTime() < end) {
            forward(net, m, x, (int) (calls * b % n), b, size);
            calls++;
        }
        return calls * b / ((System.nanoTime() - start) / 1e9);
    }

    private static int argmax(float[] l, int row, int c) {
        int best = 0;
        for (int k = 1; k < c; k++) {
            if (l[row * c + k] > l[row * c + best]) {
                best = k;
            }
        }
        return best;
    }

    private static byte[][] idxImages(Path gz) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            if (in.readInt() != 0x803) {
                throw new IOException(gz + ": not an IDX image file");
            }
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            byte[][] out = new byte[n][rows * cols];
            for (byte[] img : out) {
                in.readFully(img);
            }
            return out;
        }
    }

    private static byte[] idxLabels(Path gz) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            if (in.readInt() != 0x801) {
                throw new IOException(gz + ": not an IDX label file");
            }
            byte[] out = new byte[in.readInt()];
            in.readFully(out);
            return out;
        }
    }
}
