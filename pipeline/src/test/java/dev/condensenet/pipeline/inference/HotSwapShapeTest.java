package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.FashionMnistClasses;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.frames.FrameDecoder;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.job.Testdata;
import dev.condensenet.pipeline.wire.Prediction;
import dev.condensenet.pipeline.wire.PredictionJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap to versions with another class count or input shape ({@code --allow-label-change}), with real DJL
 * models in the operator's test harness: before the swap predictions carry the old classes, after it the new
 * version's (labels, class count, clamped top-k, model name), every frame comes back exactly once, and a frame
 * decoded for the job's input reaches a version of another input as the decoder would have made it for that
 * input. Per-subtask and shared batching. Without the flag such versions are refused.
 */
@Timeout(300)
class HotSwapShapeTest {
    private static final int MAX_BATCH = 4;
    private static final int TOP_K = 5;

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        assumeTrue(Testdata.model().isPresent(), "needs the trained model in testdata/models");
        TorchRuntime.init(1);
    }

    /** A 28×28 gray test image, PNG. */
    private static byte[] png(int i) {
        return TestImages.encode(TestImages.gray(28, 28, (x, y) -> (i * 37 + x * 7 + y * 11 * (i % 3 + 1)) % 256),
                "png");
    }

    private static float[] decode(byte[] png, ModelSpec input) throws Exception {
        FrameDecoder d = new FrameDecoder(input.decoderSettings(FrameLimits.DEFAULT));
        float[] out = new float[d.frameSize()];
        d.decode(png, out);
        return out;
    }

    private static OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> harness(PredictorFactory f,
            BatchingSettings batching) throws Exception {
        return InferenceHarness.open(f, batching, TOP_K);
    }

    private HotSwapPredictor follow(Path root, boolean allowLabelChange) {
        var settings = new ModelSwapSettings(3_600_000, 0, allowLabelChange); // polls only when the test says
        ModelSpec job = VersionedPredictorFactory.of(root, settings, DeviceSpec.CPU, 1).spec();
        HotSwapPredictor p = new HotSwapPredictor(ModelRoot.open(root), job, settings,
                dir -> DjlPredictorFactory.of(dir, DeviceSpec.CPU, 1).open((RuntimeContext) null, MAX_BATCH),
                MAX_BATCH, new UnregisteredMetricsGroup(), "test");
        p.loadFirst();
        return p;
    }

    @Test
    void perSubtaskPredictionsFollowANewClassCountAndThenANewInputShape() throws Exception {
        Path root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        HotSwapPredictor p = follow(root, true);
        ModelSpec job = VersionedPredictorFactory.of(root, ModelSwapSettings.DEFAULT, DeviceSpec.CPU, 1).spec();
        var factory = new HotSwapPredictorTest.FixedFactory(p, job);
        byte[][] images = new byte[9][];
        for (int i = 0; i < images.length; i++) {
            images[i] = png(i < 8 ? i : 0); // the last one is f0's image again
        }
        try (var h = harness(factory, new BatchingSettings(MAX_BATCH, 60_000))) {
            for (int i = 0; i < 6; i++) { // one batch of 4 runs on v1; f4, f5 wait for the next batch
                h.processElement(new DecodedFrame("cam", "f" + i, 0, decode(images[i], job)), 0);
            }
            ModelVersions.publishUntrained(root, "wide-20", 1, 28, 20, "w"); // 2: 20 classes
            p.poll();
            for (int i = 6; i < 8; i++) { // f4..f7 run on v2 (decoded before and after it was loaded)
                h.processElement(new DecodedFrame("cam", "f" + i, 0, decode(images[i], job)), 0);
            }
            ModelVersions.publishUntrained(root, "rgb32-3", 3, 32, 3, "r"); // 3: 3 classes of 3×32×32 input
            p.poll();
            h.processElement(new DecodedFrame("cam", "f8", 0, decode(images[8], job)), 0); // job's input
            h.prepareSnapshotPreBarrier(1);
            List<Prediction> out = h.extractOutputValues();
            assertEquals(9, out.size());
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < out.size(); i++) {
                Prediction pr = out.get(i);
                assertEquals("f" + i, pr.frameId, "input order");
                assertTrue(ids.add(pr.frameId), "each frame once");
                long v = i < 4 ? 1 : i < 8 ? 2 : 3;
                assertEquals(v, pr.modelVersion, pr.frameId);
                assertEquals(v == 1 ? "fmnist-26" : v == 2 ? "wide-20" : "rgb32-3", pr.model, pr.frameId);
                int classes = v == 1 ? 10 : v == 2 ? 20 : 3;
                assertTrue(pr.classIndex >= 0 && pr.classIndex < classes, pr.frameId + ": " + pr.classIndex);
                assertEquals(Math.min(TOP_K, classes), pr.topKLabels.length, "top-k clamped to the class count");
                assertEquals(pr.topKLabels.length, pr.topKScores.length);
                String expected = v == 1 ? FashionMnistClasses.NAMES.get(pr.classIndex)
                        : (v == 2 ? "w" : "r") + pr.classIndex;
                assertEquals(expected, pr.label, pr.frameId);
                assertEquals(pr.label, pr.topKLabels[0]);
            }
            float sum = 0;
            for (float s : out.get(8).topKScores) {
                sum += s;
            }
            assertEquals(1f, sum, 1e-4, "all 3 classes of v3 ranked");
            // f8 went through v3 as the decoder would have made it for v3's own input (3×32×32, its mean/std)
            ModelSpec v3 = DjlPredictorFactory.of(ModelRoot.open(root).versionDir(3), DeviceSpec.CPU, 1).spec();
            float[] direct = new float[MAX_BATCH * 3];
            try (BatchPredictor alone = DjlPredictorFactory.of(ModelRoot.open(root).versionDir(3), DeviceSpec.CPU, 1)
                    .open(null, MAX_BATCH)) {
                float[] batch = new float[MAX_BATCH * v3.frameSize()];
                float[] frame = decode(images[8], v3);
                System.arraycopy(frame, 0, batch, 0, frame.length);
                alone.predict(batch, 1, direct);
            }
            SoftmaxTopK ranking = new SoftmaxTopK(3, 3);
            ranking.apply(direct, 0);
            assertEquals(ranking.index(0), out.get(8).classIndex);
            for (int r = 0; r < 3; r++) {
                assertEquals(ranking.score(r), out.get(8).topKScores[r], 1e-3, "rank " + r);
            }
            String json = new String(PredictionJson.toBytes(out.get(8)), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"model\":\"rgb32-3\"") && json.contains("\"modelVersion\":3"), json);
            assertEquals(2, p.swaps());
        }
    }

    @Test
    void withoutTheFlagANewClassCountOrInputShapeIsRefusedAndTheServedVersionKeepsServing() throws Exception {
        Path root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        HotSwapPredictor p = follow(root, false);
        try (p) {
            ModelVersions.publishUntrained(root, "wide-20", 1, 28, 20, "w");
            ModelVersions.publishUntrained(root, "gray32", 1, 32, 10, "g");
            p.poll();
            assertEquals(2, p.refusedCount());
            ModelSpec served = p.serving();
            p.predict(new float[MAX_BATCH * 28 * 28], 1, new float[MAX_BATCH * 10]);
            assertEquals(1, p.modelVersion());
            assertEquals("fmnist-26", served.name);
            assertArrayEquals(FashionMnistClasses.NAMES.toArray(new String[0]), served.classNames);
            assertEquals(0, p.swaps());
        }
    }

    @Test
    void sharedBatchingFollowsASwapToAnotherClassCountAndInputShape() throws Exception {
        Path root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        var factory = VersionedPredictorFactory.of(root, new ModelSwapSettings(50, 0, true), DeviceSpec.CPU, 1);
        ModelSpec job = factory.spec();
        var batching = new BatchingSettings(MAX_BATCH, 5, BatchingMode.SHARED);
        List<String> sent = new ArrayList<>();
        List<Prediction> afterSwap = new ArrayList<>();
        try (var a = harness(factory, batching); var b = harness(factory, batching)) {
            assertEquals(1, SharedBatcher.live(), "one model for both subtasks");
            int i = 0;
            for (; i < 2; i++) {
                classify(a, "a" + i, job, sent);
                classify(b, "b" + i, job, sent);
            }
            // 2: 3×32×32 input and 50 classes: a subtask's share of a merged batch (2 frames) then needs more
            // logits than its buffer for 10 classes holds, so the batcher hands it a larger one
            ModelVersions.publishUntrained(root, "rgb32-50", 3, 32, 50, "s");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (last(a).modelVersion != 2) { // the shared model's watcher loads v2
                assertTrue(System.nanoTime() < deadline, "version 2 not served within 60 s");
                Thread.sleep(50);
                classify(a, "a" + i, job, sent);
                classify(b, "b" + i, job, sent);
                i++;
            }
            for (int j = 0; j < 2; j++, i++) {
                classify(a, "a" + i, job, sent);
                classify(b, "b" + i, job, sent);
            }
            assertEquals(2, last(b).modelVersion, "the other subtask's next batch runs on v2 too");
            Set<String> ids = new HashSet<>();
            for (var h : List.of(a, b)) {
                long version = 1;
                for (Prediction pr : h.extractOutputValues()) {
                    assertTrue(ids.add(pr.frameId), "each frame once: " + pr.frameId);
                    assertTrue(pr.modelVersion >= version, "versions only go forward in a subtask");
                    version = pr.modelVersion;
                    if (version == 1) {
                        assertEquals("fmnist-26", pr.model);
                        assertEquals(FashionMnistClasses.NAMES.get(pr.classIndex), pr.label);
                    } else {
                        assertEquals("rgb32-50", pr.model);
                        assertTrue(pr.classIndex >= 0 && pr.classIndex < 50, "" + pr.classIndex);
                        afterSwap.add(pr);
                        assertEquals("s" + pr.classIndex, pr.label);
                        for (String l : pr.topKLabels) {
                            assertTrue(l.startsWith("s"), l);
                        }
                    }
                    assertEquals(TOP_K, pr.topKLabels.length);
                }
            }
            assertEquals(new HashSet<>(sent), ids, "every frame sent came back");
        }
        // v2's scores are those of v2 run alone on the frame decoded for its own input
        Path v2 = ModelRoot.open(root).versionDir(2);
        ModelSpec spec = DjlPredictorFactory.of(v2, DeviceSpec.CPU, 1).spec();
        SoftmaxTopK ranking = new SoftmaxTopK(50, TOP_K);
        float[] batch = new float[MAX_BATCH * spec.frameSize()];
        float[] logits = new float[MAX_BATCH * 50];
        assertTrue(afterSwap.size() >= 8, afterSwap.size() + " predictions by v2");
        try (BatchPredictor alone = DjlPredictorFactory.of(v2, DeviceSpec.CPU, 1).open(null, MAX_BATCH)) {
            for (Prediction pr : afterSwap) {
                float[] frame = decode(png(pr.frameId.hashCode() & 0xff), spec);
                System.arraycopy(frame, 0, batch, 0, frame.length);
                alone.predict(batch, 1, logits);
                ranking.apply(logits, 0);
                for (int r = 0; r < TOP_K; r++) {
                    assertEquals(ranking.score(r), pr.topKScores[r], 1e-3, pr.frameId + " rank " + r);
                }
            }
        }
        assertEquals(0, SharedBatcher.live(), "the model closes with the last subtask");
    }

    /**
     * Two frames through the subtask ({@code id-0}, {@code id-1}: its share of a merged batch of 4), then a
     * barrier (the call returns once their predictions are out).
     */
    private static void classify(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h, String id,
                                 ModelSpec job, List<String> sent) throws Exception {
        for (int k = 0; k < 2; k++) {
            String frame = id + "-" + k;
            h.processElement(new DecodedFrame("cam", frame, 0, decode(png(frame.hashCode() & 0xff), job)), 0);
            sent.add(frame);
        }
        h.prepareSnapshotPreBarrier(1);
        assertEquals(id + "-1", last(h).frameId);
    }

    private static Prediction last(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h) {
        List<Prediction> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }
}
