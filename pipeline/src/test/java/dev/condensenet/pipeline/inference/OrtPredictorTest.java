package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.pipeline.bench.SampleFrames;
import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.job.Testdata;
import dev.condensenet.pipeline.wire.Prediction;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine onnxruntime}: the shipped fmnist-26 exported in memory and served by ONNX Runtime gives the
 * libtorch path's logits (≤ 1e-5) on real Fashion-MNIST frames at every batch size, in any order of batch
 * sizes (each size has its own tensors over the shared buffers), inside the batching operator, under shared
 * batching, and when a model root swaps versions.
 */
@Timeout(180)
class OrtPredictorTest {
    private static final int MAX_BATCH = 64;
    /** BENCHMARKS.md: the engines sum in other orders and ONNX Runtime folds BatchNorm into the convolutions. */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;
    static Path model;
    static float[] frames;
    static int frameSize;

    @BeforeAll
    static void realFrames() throws Exception {
        assumeTrue(Testdata.model().isPresent(), "needs the trained model in testdata/models");
        TorchRuntime.init(1);
        model = ModelVersions.trained();
        ModelSpec spec = OrtPredictorFactory.of(model, DeviceSpec.CPU, 1).spec();
        frameSize = spec.frameSize();
        Path dir = Testdata.fashionMnistSample().orElseThrow(() -> new AssertionError("no fashion-mnist-sample"));
        SampleFrames samples = SampleFrames.load(dir, spec.decoderSettings(FrameLimits.DEFAULT));
        assertTrue(samples.size() >= MAX_BATCH, samples.size() + " sample frames");
        frames = new float[MAX_BATCH * frameSize];
        for (int i = 0; i < MAX_BATCH; i++) {
            System.arraycopy(samples.decoded(i), 0, frames, i * frameSize, frameSize);
        }
    }

    @Test
    void logitsEqualTheLibtorchPathOnRealFramesAtEveryBatchSize() throws Exception {
        int classes = 10;
        float[] torch = new float[MAX_BATCH * classes];
        float[] ort = new float[MAX_BATCH * classes];
        try (BatchPredictor pt = DjlPredictorFactory.of(model, DeviceSpec.CPU, 1).open(null, MAX_BATCH);
             BatchPredictor po = OrtPredictorFactory.of(model, DeviceSpec.CPU, 1).open(null, MAX_BATCH)) {
            // Large, small, large again, odd sizes: a size's tensors must see the frames of this call.
            int offset = 0;
            for (int n : new int[] {MAX_BATCH, 1, 7, 1, MAX_BATCH, 33, 7}) {
                float[] batch = new float[MAX_BATCH * frameSize];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(frames, ((offset + i) % MAX_BATCH) * frameSize, batch, i * frameSize, frameSize);
                }
                offset += n;
                pt.predict(batch.clone(), n, torch);
                po.predict(batch.clone(), n, ort);
                double diff = 0;
                int sameTop = 0;
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < classes; c++) {
                        diff = Math.max(diff, Math.abs(torch[i * classes + c] - ort[i * classes + c]));
                    }
                    sameTop += argmax(torch, i, classes) == argmax(ort, i, classes) ? 1 : 0;
                }
                assertTrue(diff <= TOLERANCE, "batch " + n + ": max |logit difference| " + diff);
                assertEquals(n, sameTop, "batch " + n + ": same class for every frame");
            }
            assertTrue(ort[0] != ort[classes] || ort[1] != ort[classes + 1], "different frames, different logits");
        }
    }

    @Test
    void aGpuIsRefusedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrtPredictorFactory.of(model, DeviceSpec.parse("gpu:1"), 1));
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("--device cpu"), e.getMessage());
        assertEquals(InferenceEngine.ONNXRUNTIME, InferenceEngine.parse("onnxruntime"));
        assertThrows(IllegalArgumentException.class, () -> InferenceEngine.parse("tensorrt"));
    }

    @Test
    void underSharedBatchingTwoSubtasksGetTheLibtorchClassesFromOneSession() throws Exception {
        PredictorFactory ort = InferenceEngine.ONNXRUNTIME.factory(model, DeviceSpec.CPU, 1);
        BatchingSettings shared = new BatchingSettings(8, 5, BatchingMode.SHARED);
        float[] torch = new float[8 * 10];
        try (BatchPredictor pt = DjlPredictorFactory.of(model, DeviceSpec.CPU, 1).open(null, 8);
             var a = subtask(ort, shared); var b = subtask(ort, shared)) {
            assertEquals(1, SharedBatcher.live(), "one ONNX Runtime session for both subtasks");
            for (int i = 0; i < 6; i++) {
                (i % 2 == 0 ? a : b).processElement(new DecodedFrame("cam", "f" + i, 0, frame(i)), 0);
            }
            a.prepareSnapshotPreBarrier(1);
            b.prepareSnapshotPreBarrier(1);
            for (var h : List.of(a, b)) {
                for (Prediction p : h.extractOutputValues()) {
                    int i = Integer.parseInt(p.frameId.substring(1));
                    pt.predict(frame(i), 1, torch);
                    assertEquals(argmax(torch, 0, 10), p.classIndex, p.frameId);
                    assertEquals(0, p.modelVersion);
                }
            }
            assertEquals(3, a.extractOutputValues().size());
            assertEquals(3, b.extractOutputValues().size());
        }
        assertEquals(0, SharedBatcher.live(), "the session closes with the last subtask");
    }

    @Test
    void aModelRootServedByOnnxRuntimeSwapsToTheNextVersion() throws Exception {
        Path root = tmp.resolve("root");
        ModelVersions.publish(root, model);
        Path retrained = ModelVersions.retrained(tmp.resolve("retrained"));
        var factory = VersionedPredictorFactory.of(root, new ModelSwapSettings(50, 0, false), DeviceSpec.CPU, 1,
                InferenceEngine.ONNXRUNTIME);
        try (var h = subtask(factory, new BatchingSettings(4, 5))) {
            Prediction v1 = classify(h, "x0");
            assertEquals(1, v1.modelVersion);
            ModelVersions.publish(root, retrained);
            long deadline = System.nanoTime() + 90_000_000_000L;
            Prediction p = v1;
            for (int i = 1; p.modelVersion != 2; i++) {
                assertTrue(System.nanoTime() < deadline, "version 2 not served within 90 s");
                Thread.sleep(50);
                p = classify(h, "x" + i);
            }
            Prediction v2 = classify(h, "again");
            assertTrue(v1.score != v2.score, "the same frame, classified by the other version's session");
        }
    }

    private static OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> subtask(PredictorFactory factory,
            BatchingSettings batching) throws Exception {
        return InferenceHarness.open(factory, batching, 1);
    }

    /** Frame 0 every time (the version is what changes); its prediction. */
    private static Prediction classify(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h, String id)
            throws Exception {
        return InferenceHarness.classify(h, id, frame(0));
    }

    private static float[] frame(int i) {
        float[] f = new float[frameSize];
        System.arraycopy(frames, i * frameSize, f, 0, frameSize);
        return f;
    }

    private static int argmax(float[] logits, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (logits[row * classes + c] > logits[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}
