/*
 * The condensed network as `--engine onnxruntime` serves it, against the served libtorch path: the model is
 * exported by OnnxExporter in each layer plan asked for ("literal" = the converted tree node for node) and run
 * through ONNX Runtime's Java API the way the pipeline's OrtBatchPredictor does (session options of
 * OrtPredictorFactory, one direct input buffer and pinned output tensors, micro-batches split into runs of at
 * most --chunk frames). Not part of the product: a benchmark run with the training jar and ONNX Runtime on the
 * class path (BENCHMARKS.md, "Against PyTorch and ONNX Runtime"):
 *
 *   java -cp training/target/condensenet-training.jar:$ORT_JAR \
 *        benchmarks/OrtServingBench.java onnxruntime cifar10-86 2 1,64 3 literal,gather-dense3 16
 *
 * Arguments: engine (onnxruntime, or libtorch to time the compiled network through DJL in this program: one
 * engine per JVM, because both engines' idle thread pools spin and steal the other's cores), preset (a randomly
 * initialised, fully condensed model) or model directory, threads, batch sizes, seconds per point, plans
 * (onnxruntime only), frames per session run (0 = the whole batch in one run). Prints one JSON object;
 * maxLogitDiffFromLibtorch compares every plan's logits with the served libtorch network's.
 */
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.onnx.OnnxExporter;
import dev.condensenet.model.store.ModelDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class OrtServingBench {

    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "onnxruntime";
        String what = args.length > 1 ? args[1] : "cifar10-86";
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String[] batches = (args.length > 3 ? args[3] : "1,64").split(",");
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 3;
        String[] plans = (args.length > 5 ? args[5] : "literal,gather-dense3").split(",");
        int chunk = args.length > 6 ? Integer.parseInt(args[6]) : 16;
        TorchRuntime.init(threads);
        Path tmp = Files.createTempDirectory("ort-serving-bench");
        ModelDirectory dir = Files.isDirectory(Path.of(what)) ? ModelDirectory.open(Path.of(what))
                : ModelDirectory.writeUntrained(tmp.resolve("model"), what);
        int c = dir.inChannels();
        int s = dir.imageSize();
        int classes = dir.config().classes();
        List<float[]> inputs = new ArrayList<>();
        List<float[]> served = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        try (Model torch = dir.loadModel(Device.cpu());
             Predictor<NDList, NDList> p = torch.newPredictor(new NoopTranslator());
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (String b : batches) {
                int n = Integer.parseInt(b.trim());
                float[] x = new float[n * c * s * s];
                Random r = new Random(n);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                inputs.add(x);
                served.add(torch(p, m, x, new Shape(n, c, s, s)));
                if (engine.equals("libtorch")) {
                    Shape shape = new Shape(n, c, s, s);
                    double ips = rate(n, seconds, () -> torch(p, m, x, shape));
                    rows.add(row("libtorch-compiled", "auto", n, ips, 0));
                }
            }
        }
        if (engine.equals("onnxruntime")) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            for (String plan : plans) {
                byte[] onnx;
                try (Model reference = dir.loadReference(Device.cpu())) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    OnnxExporter.forConfig(dir.config())
                            .optPlan(plan.equals("literal") ? null : LayerPlan.parse(plan))
                            .write(reference.getBlock(), out);
                    onnx = out.toByteArray();
                }
                try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                    o.setIntraOpNumThreads(threads);
                    o.setInterOpNumThreads(1);
                    o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    try (OrtSession session = env.createSession(onnx, o)) {
                        for (int bi = 0; bi < batches.length; bi++) {
                            int n = Integer.parseInt(batches[bi].trim());
                            int run = chunk <= 0 ? n : Math.min(n, chunk);
                            try (Runner runner = new Runner(env, session, run, c, s, classes)) {
                                float[] x = inputs.get(bi);
                                float[] y = new float[n * classes];
                                runner.predict(x, n, y);
                                double diff = 0;
                                for (int i = 0; i < y.length; i++) {
                                    diff = Math.max(diff, Math.abs(y[i] - served.get(bi)[i]));
                                }
                                double ips = rate(n, seconds, () -> runner.predict(x, n, y));
                                rows.add(row("onnxruntime", plan, n, ips, diff));
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "{\"model\":\"%s\",\"threads\":%d,\"chunk\":%d,\"results\":[%s]}%n",
                dir.name(), threads, chunk, String.join(",", rows));
    }

    /** OrtBatchPredictor's mechanism: one direct buffer each way, tensors per run size, pinned outputs. */
    static final class Runner implements AutoCloseable {
        private final OrtSession session;
        private final int run;
        private final int frame;
        private final int classes;
        private final FloatBuffer in;
        private final FloatBuffer out;
        private final OnnxTensor[] x;
        private final OnnxTensor[] y;

        Runner(OrtEnvironment env, OrtSession session, int run, int c, int s, int classes) throws Exception {
            this.session = session;
            this.run = run;
            this.frame = c * s * s;
            this.classes = classes;
            this.in = ByteBuffer.allocateDirect(run * frame * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            this.out = ByteBuffer.allocateDirect(run * classes * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            this.x = new OnnxTensor[run + 1];
            this.y = new OnnxTensor[run + 1];
            for (int k = 1; k <= run; k++) {
                x[k] = OnnxTensor.createTensor(env, in.duplicate().position(0).limit(k * frame),
                        new long[] {k, c, s, s});
                y[k] = OnnxTensor.createTensor(env, out.duplicate().position(0).limit(k * classes),
                        new long[] {k, classes});
            }
        }

        void predict(float[] batch, int n, float[] logits) throws Exception {
            for (int done = 0; done < n; done += run) {
                int k = Math.min(run, n - done);
                in.clear();
                in.put(batch, done * frame, k * frame);
                try (OrtSession.Result ignored = session.run(Map.of(OnnxExporter.INPUT, x[k]),
                        Map.of(OnnxExporter.OUTPUT, y[k]))) {
                    out.clear();
                    out.get(logits, done * classes, k * classes);
                }
            }
        }

        @Override
        public void close() {
            for (int k = 1; k <= run; k++) {
                x[k].close();
                y[k].close();
            }
        }
    }

    interface Call {
        void run() throws Exception;
    }

    /** Images/s over {@code seconds} after 3 warm-up calls, input and logits copies included. */
    private static double rate(int n, double seconds, Call call) throws Exception {
        for (int i = 0; i < 3; i++) {
            call.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < end) {
            call.run();
            calls++;
        }
        return calls * (double) n / ((System.nanoTime() - start) / 1e9);
    }

    private static float[] torch(Predictor<NDList, NDList> p, NDManager m, float[] x, Shape shape) throws Exception {
        try (NDManager sub = m.newSubManager()) {
            return p.predict(new NDList(sub.create(x, shape))).singletonOrThrow().toFloatArray();
        }
    }

    private static String row(String engine, String plan, int n, double ips, double diff) {
        return String.format(Locale.ROOT, "{\"engine\":\"%s\",\"plan\":\"%s\",\"batchSize\":%d,\"imagesPerSec\":%.1f,"
                + "\"maxLogitDiffFromLibtorch\":%.3g}", engine, plan, n, ips, diff);
    }
}
