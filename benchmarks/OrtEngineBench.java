/*
 * DJL's ONNX Runtime engine serving the exported ONNX model against the served libtorch path (the compiled
 * network), one JVM, same input, same intra-op threads. Not part of the product: a benchmark run with the
 * training jar and DJL's onnxruntime-engine on the class path (BENCHMARKS.md, "ONNX Runtime engine"):
 *
 *   java -cp training/target/condensenet-training.jar:$ORT_ENGINE_JAR:$ORT_JAR \
 *        benchmarks/OrtEngineBench.java onnxruntime cifar10-86 2 1,64 3
 *
 * Arguments: engine (onnxruntime or libtorch: one per JVM, because both engines' thread pools spin after
 * a call and steal the other's cores when they share a process), preset (a randomly initialised, fully
 * condensed model) or model directory, threads, batch sizes, seconds per point. Prints one JSON object;
 * maxLogitDiffFromLibtorch compares with the served libtorch network.
 */
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.onnx.OnnxExporter;
import dev.condensenet.model.store.ModelDirectory;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class OrtEngineBench {

    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "onnxruntime";
        String what = args.length > 1 ? args[1] : "cifar10-86";
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String[] batches = (args.length > 3 ? args[3] : "1,64").split(",");
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 3;
        boolean ortTimed = engine.equals("onnxruntime");
        TorchRuntime.init(threads);
        Path tmp = Files.createTempDirectory("ort-bench");
        ModelDirectory dir = Files.isDirectory(Path.of(what)) ? ModelDirectory.open(Path.of(what))
                : ModelDirectory.writeUntrained(tmp.resolve("model"), what);
        Path onnxDir = Files.createDirectories(tmp.resolve("onnx"));
        try (Model reference = dir.loadReference(Device.cpu());
             OutputStream out = Files.newOutputStream(onnxDir.resolve("model.onnx"))) {
            OnnxExporter.forConfig(dir.config()).write(reference.getBlock(), out);
        }
        int c = dir.inChannels();
        int s = dir.imageSize();
        List<String> rows = new ArrayList<>();
        try (Model torch = dir.loadModel(Device.cpu());
             Model ort = Model.newInstance("ort", Device.cpu(), "OnnxRuntime")) {
            ort.load(onnxDir, "model", Map.of("intraOpNumThreads", Integer.toString(threads),
                    "interOpNumThreads", "1", "optLevel", "ALL_OPT"));
            try (Predictor<NDList, NDList> pt = torch.newPredictor(new NoopTranslator());
                 Predictor<NDList, NDList> po = ort.newPredictor(new NoopTranslator());
                 NDManager mt = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                 NDManager mo = NDManager.newBaseManager(Device.cpu(), "OnnxRuntime")) {
                for (String b : batches) {
                    int n = Integer.parseInt(b.trim());
                    float[] x = new float[n * c * s * s];
                    Random r = new Random(n);
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) r.nextGaussian();
                    }
                    Shape shape = new Shape(n, c, s, s);
                    float[] yt = run(pt, mt, x, shape);
                    float[] yo = run(po, mo, x, shape);
                    double diff = 0;
                    for (int i = 0; i < yt.length; i++) {
                        diff = Math.max(diff, Math.abs(yt[i] - yo[i]));
                    }
                    rows.add(ortTimed ? row("onnxruntime", n, ips(po, mo, x, shape, seconds), diff)
                            : row("libtorch-compiled", n, ips(pt, mt, x, shape, seconds), 0));
                }
            }
        }
        System.out.printf(Locale.ROOT, "{\"model\":\"%s\",\"threads\":%d,\"results\":[%s]}%n", dir.name(), threads,
                String.join(",", rows));
    }

    private static String row(String engine, int n, double ips, double diff) {
        return String.format(Locale.ROOT, "{\"engine\":\"%s\",\"batchSize\":%d,\"imagesPerSec\":%.1f,"
                + "\"maxLogitDiffFromLibtorch\":%.3g}", engine, n, ips, diff);
    }

    private static float[] run(Predictor<NDList, NDList> p, NDManager m, float[] x, Shape shape) throws Exception {
        try (NDManager sub = m.newSubManager()) {
            NDArray in = sub.create(x, shape);
            return p.predict(new NDList(in)).singletonOrThrow().toFloatArray();
        }
    }

    /** Images/s including the input copy into the engine and the logits copy out, as the pipeline pays. */
    private static double ips(Predictor<NDList, NDList> p, NDManager m, float[] x, Shape shape, double seconds)
            throws Exception {
        for (int i = 0; i < 3; i++) {
            run(p, m, x, shape);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < end) {
            run(p, m, x, shape);
            calls++;
        }
        return calls * shape.get(0) / ((System.nanoTime() - start) / 1e9);
    }
}
