package dev.condensenet.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.store.ModelDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trip through ONNX Runtime (its Java API, a different engine): the exported graph, literal or folded in
 * any {@link LayerPlan}, must give the logits the project serves (the compiled network) and its converted tree,
 * within 1e-5, for batch sizes 1 and 5 (the batch dimension is symbolic).
 */
class OnnxExporterTest {

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-26", "cifar10-86"})
    void exportedGraphGivesTheServedLogitsInOnnxRuntime(String name) throws Exception {
        Path dir = Path.of("..", "testdata", "models", name);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "no test model " + name);
        ModelDirectory md = ModelDirectory.open(dir);
        int c = md.inChannels();
        int s = md.imageSize();
        int[] batches = {1, 5};
        float[][] inputs = new float[batches.length][];
        float[][] served = new float[batches.length][];
        float[][] tree = new float[batches.length][];
        for (int b = 0; b < batches.length; b++) {
            inputs[b] = new float[batches[b] * c * s * s];
            Random random = new Random(batches[b]);
            for (int i = 0; i < inputs[b].length; i++) {
                inputs[b][i] = (float) random.nextGaussian();
            }
            served[b] = logits(md.loadModel(Device.cpu()), inputs[b], batches[b], c, s);
            tree[b] = logits(md.loadReference(Device.cpu()), inputs[b], batches[b], c, s);
            assertTrue(maxAbs(served[b]) > 1e-3, "logits are not trivially zero");
        }
        // null: the converted tree written literally; otherwise every dense layer folded in that plan.
        List<LayerPlan> plans = new ArrayList<>(Arrays.asList(LayerPlan.values()));
        plans.add(0, null);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (Model reference = md.loadReference(Device.cpu());
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            for (LayerPlan plan : plans) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                OnnxExporter.forConfig(md.config()).optPlan(plan).optMetadata("name", md.name())
                        .write(reference.getBlock(), out);
                try (OrtSession session = env.createSession(out.toByteArray(), options)) {
                    TensorInfo info = (TensorInfo) session.getOutputInfo().get(OnnxExporter.OUTPUT).getInfo();
                    assertEquals(-1, info.getShape()[0], "batch dimension is symbolic");
                    for (int b = 0; b < batches.length; b++) {
                        float[] actual = run(env, session, inputs[b], batches[b], c, s, md.config().classes());
                        String what = "plan " + plan + ", batch " + batches[b] + ": ONNX Runtime vs ";
                        double vsServed = maxDiff(actual, served[b]);
                        double vsTree = maxDiff(actual, tree[b]);
                        assertTrue(vsServed <= 1e-5, what + "served logits: " + vsServed);
                        assertTrue(vsTree <= 1e-5, what + "converted tree: " + vsTree);
                    }
                }
            }
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession session, float[] input, int batch, int c, int s,
            int classes) throws Exception {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, c, s, s});
             OrtSession.Result result = session.run(java.util.Map.of(OnnxExporter.INPUT, x))) {
            OnnxTensor y = (OnnxTensor) result.get(OnnxExporter.OUTPUT).orElseThrow();
            assertArrayEquals(new long[] {batch, classes}, y.getInfo().getShape());
            float[] actual = new float[batch * classes];
            y.getFloatBuffer().get(actual);
            return actual;
        }
    }

    private static float[] logits(Model model, float[] input, int batch, int c, int s) throws Exception {
        try (model; NDManager m = NDManager.newBaseManager(Device.cpu());
             Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
            NDArray x = m.create(input, new Shape(batch, c, s, s));
            return p.predict(new NDList(x)).singletonOrThrow().toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static double maxAbs(float[] a) {
        double d = 0;
        for (float v : a) {
            d = Math.max(d, Math.abs(v));
        }
        return d;
    }
}
