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
import dev.condensenet.model.store.ModelDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trip through ONNX Runtime (its Java API, a different engine): the exported graph must give the
 * logits the project serves (the compiled network) and its converted tree, within 1e-5, for a batch size
 * other than the one it was exported with (the batch dimension is symbolic).
 */
class OnnxExporterTest {

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-26", "cifar10-86"})
    void exportedGraphGivesTheServedLogitsInOnnxRuntime(String name) throws Exception {
        Path dir = Path.of("..", "testdata", "models", name);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "no test model " + name);
        ModelDirectory md = ModelDirectory.open(dir);
        byte[] onnx;
        try (Model reference = md.loadReference(Device.cpu())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OnnxExporter.forConfig(md.config()).optMetadata("name", md.name()).write(reference.getBlock(), out);
            onnx = out.toByteArray();
        }
        int c = md.inChannels();
        int s = md.imageSize();
        for (int batch : new int[] {1, 5}) {
            float[] input = new float[batch * c * s * s];
            Random random = new Random(batch);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) random.nextGaussian();
            }
            float[] expected = logits(md.loadModel(Device.cpu()), input, batch, c, s);
            float[] reference = logits(md.loadReference(Device.cpu()), input, batch, c, s);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                 OrtSession session = env.createSession(onnx, options);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, c, s, s});
                 OrtSession.Result result = session.run(java.util.Map.of(OnnxExporter.INPUT, x))) {
                TensorInfo info = (TensorInfo) session.getOutputInfo().get(OnnxExporter.OUTPUT).getInfo();
                assertEquals(-1, info.getShape()[0], "batch dimension is symbolic");
                OnnxTensor y = (OnnxTensor) result.get(OnnxExporter.OUTPUT).orElseThrow();
                assertArrayEquals(new long[] {batch, md.config().classes()}, y.getInfo().getShape());
                float[] actual = new float[expected.length];
                y.getFloatBuffer().get(actual);
                double served = maxDiff(actual, expected);
                double tree = maxDiff(actual, reference);
                assertTrue(served <= 1e-5, "ONNX Runtime vs served logits: " + served);
                assertTrue(tree <= 1e-5, "ONNX Runtime vs converted tree: " + tree);
                assertTrue(maxAbs(expected) > 1e-3, "logits are not trivially zero");
            }
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
