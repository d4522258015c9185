package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.model.store.ModelRoot;
import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.job.Testdata;
import dev.condensenet.pipeline.wire.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap with real DJL models: the operator (test harness) swaps between two batches, damaged or
 * mismatched versions are refused while the served one keeps serving, pinning and rollback.
 */
@Timeout(180)
class HotSwapPredictorTest {
    private static final int MAX_BATCH = 4;
    private static final int FRAME = 28 * 28;

    @TempDir
    static Path shared;
    static Path retrained;

    @TempDir
    Path tmp;
    Path root;
    HotSwapPredictor predictor;

    @BeforeAll
    static void models() throws Exception {
        assumeTrue(Testdata.model().isPresent(), "needs the trained model in testdata/models");
        TorchRuntime.init(1);
        retrained = ModelVersions.retrained(shared.resolve("retrained"));
    }

    @AfterEach
    void close() throws Exception {
        if (predictor != null) {
            predictor.close();
        }
    }

    private HotSwapPredictor open(ModelSwapSettings settings) {
        VersionedPredictorFactory f = VersionedPredictorFactory.of(root, settings, DeviceSpec.CPU, 1);
        HotSwapPredictor p = new HotSwapPredictor(ModelRoot.open(root), f.spec(), settings,
                dir -> DjlPredictorFactory.of(dir, DeviceSpec.CPU, 1).open((RuntimeContext) null, MAX_BATCH),
                MAX_BATCH, new UnregisteredMetricsGroup(), "test");
        p.loadFirst();
        return p;
    }

    private static ModelSwapSettings follow() {
        return new ModelSwapSettings(3_600_000, 0, false); // polls only when the test says
    }

    private long servedAfterABatch() throws Exception {
        predictor.serving(); // between two batches: a checked new version is adopted here
        predictor.predict(new float[MAX_BATCH * FRAME], 1, new float[MAX_BATCH * 10]);
        return predictor.modelVersion();
    }

    @Test
    void theOperatorSwapsBetweenTwoBatchesAndStampsEachBatchWithItsVersion() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        predictor = open(follow());
        HotSwapPredictor p = predictor;
        predictor = null; // the operator closes it
        PredictorFactory factory = new FixedFactory(p,
                VersionedPredictorFactory.of(root, follow(), DeviceSpec.CPU, 1).spec());
        var operator = new MicroBatchInferenceOperator(factory, new BatchingSettings(MAX_BATCH, 60_000), 3);
        try (var harness = new OneInputStreamOperatorTestHarness<DecodedFrame, Prediction>(operator,
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()))) {
            harness.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
            harness.open();
            for (int i = 0; i < 6; i++) { // one batch of 4 runs on v1, two frames wait for the next batch
                harness.processElement(new DecodedFrame("cam", "f" + i, 0, frame(i)), 0);
            }
            ModelVersions.publish(root, retrained);
            p.poll(); // v2 loaded and checked off the batch path; it serves from the next batch
            assertEquals(6 - 2, harness.extractOutputValues().size(), "a swap flushes nothing by itself");
            for (int i = 6; i < 8; i++) {
                harness.processElement(new DecodedFrame("cam", "f" + i, 0, frame(i)), 0);
            }
            harness.processElement(new DecodedFrame("cam", "same-as-f0", 0, frame(0)), 0);
            harness.prepareSnapshotPreBarrier(1); // flushes the last, partial batch
            List<Prediction> out = harness.extractOutputValues();
            assertEquals(9, out.size());
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < out.size(); i++) {
                assertTrue(ids.add(out.get(i).frameId), "each frame once: " + out.get(i).frameId);
                assertEquals(i < 4 ? 1 : 2, out.get(i).modelVersion, "frame " + out.get(i).frameId);
            }
            assertNotEquals(out.get(0).score, out.get(8).score, "the same frame, classified by another model");
            assertEquals(1, p.swaps());
        }
    }

    @Test
    void damagedOrMismatchedVersionsAreRefusedAndAFixedNewerOneIsPickedUp() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        predictor = open(follow());
        ModelVersions.publishTruncated(root, retrained);          // 2
        ModelVersions.publishRelabelled(root, retrained);         // 3
        ModelVersions.publishOtherShape(root);                    // 4
        Files.delete(ModelRoot.open(root).versionDir(4).resolve("config.json"));
        ModelVersions.publishOtherShape(root);                    // 5
        predictor.poll();
        assertEquals(4, predictor.refusedCount(), "5, 4, 3 and 2 each refused once");
        assertEquals(1, servedAfterABatch(), "version 1 keeps serving");
        predictor.poll();
        assertEquals(4, predictor.refusedCount(), "a refused version is not retried while its files are unchanged");
        ModelVersions.publish(root, retrained);                   // 6: fixed
        predictor.poll();
        assertEquals(6, servedAfterABatch());
        assertEquals(1, predictor.swaps());
    }

    @Test
    void aLabelChangeIsRefusedUnlessAllowed() throws Exception {
        for (boolean allow : new boolean[] {false, true}) {
            root = tmp.resolve("root-" + allow);
            ModelVersions.publish(root, ModelVersions.trained());
            predictor = open(new ModelSwapSettings(3_600_000, 0, allow));
            ModelVersions.publishRelabelled(root, retrained);
            predictor.poll();
            assertEquals(allow ? 2 : 1, servedAfterABatch());
            assertEquals(allow ? "tee" : "T-shirt/top", predictor.serving().classNames[0]);
            assertEquals(allow ? 0 : 1, predictor.refusedCount());
            predictor.close();
            predictor = null;
        }
    }

    @Test
    void aVersionTrainedWithOtherStatisticsGetsFramesNormalisedItsWay() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        predictor = open(follow());
        long v2 = ModelRoot.publish(root, d -> {
            Files.copy(retrained.resolve("condensenet-0000.params"), d.resolve("condensenet-0000.params"));
            String config = Files.readString(retrained.resolve("config.json"));
            assertTrue(config.contains("0.2860406"), "the trained model's mean");
            Files.writeString(d.resolve("config.json"), config.replace("0.2860406", "0.5"));
        });
        predictor.poll();
        float mean = 0.2860406f;
        float std = 0.35302424f;
        float[] raw = frame(3);
        float[] asJob = new float[MAX_BATCH * FRAME];
        float[] asV2 = new float[MAX_BATCH * FRAME];
        for (int j = 0; j < FRAME; j++) {
            asJob[j] = (raw[j] - mean) / std;
            asV2[j] = (raw[j] - 0.5f) / std;
        }
        float[] swapped = new float[MAX_BATCH * 10];
        predictor.serving();
        predictor.predict(asJob, 1, swapped);
        assertEquals(v2, predictor.modelVersion());
        float[] direct = new float[MAX_BATCH * 10];
        try (BatchPredictor p = DjlPredictorFactory.of(ModelRoot.open(root).versionDir(v2), DeviceSpec.CPU, 1)
                .open(null, MAX_BATCH)) {
            p.predict(asV2, 1, direct);
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(direct[c], swapped[c], 1e-3, "logit " + c);
        }
        assertEquals(0, predictor.refusedCount());
    }

    @Test
    void aPinnedVersionIsServedWhateverElseAppears() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        ModelVersions.publish(root, retrained);
        predictor = open(new ModelSwapSettings(3_600_000, 1, false));
        ModelVersions.publish(root, retrained);
        predictor.poll();
        assertEquals(1, servedAfterABatch());
        assertEquals(0, predictor.swaps());
        assertThrows(ModelDirectoryException.class,
                () -> VersionedPredictorFactory.of(root, new ModelSwapSettings(1000, 9, false), DeviceSpec.CPU, 1));
    }

    @Test
    void removingTheServedVersionRollsBackToTheHighestRemaining() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        ModelVersions.publish(root, retrained);
        predictor = open(follow());
        assertEquals(2, servedAfterABatch());
        Path v2 = ModelRoot.open(root).versionDir(2);
        try (var files = Files.list(v2)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(v2);
        predictor.poll();
        assertEquals(1, servedAfterABatch());
        assertEquals(1, predictor.swaps());
        assertFalse(Files.exists(ModelRoot.open(root).versionDir(2)));
    }

    @Test
    void theBatchPathAllocatesNothingEvenWhenRenormalising() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        VersionedPredictorFactory f = VersionedPredictorFactory.of(root, follow(), DeviceSpec.CPU, 1);
        // The model's own work allocates (DJL); what hot swap adds per batch must not: a predictor that
        // allocates nothing stands in for it.
        BatchPredictor silent = new BatchPredictor() {
            @Override
            public void predict(float[] batch, int n, float[] logits) {
                logits[0] = batch[0];
            }

            @Override
            public void close() {
            }
        };
        ModelRoot.publish(root, d -> {
            Files.copy(retrained.resolve("condensenet-0000.params"), d.resolve("condensenet-0000.params"));
            Files.writeString(d.resolve("config.json"),
                    Files.readString(retrained.resolve("config.json")).replace("0.2860406", "0.5"));
        });
        predictor = new HotSwapPredictor(ModelRoot.open(root), f.spec(), follow(), dir -> silent, MAX_BATCH,
                new UnregisteredMetricsGroup(), "test");
        predictor.loadFirst(); // version 2: other normalisation, so every batch is renormalised
        float[] batch = new float[MAX_BATCH * FRAME];
        float[] logits = new float[MAX_BATCH * 10];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 1000; i++) { // warm up (JIT)
            predictor.predict(batch, MAX_BATCH, logits);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            predictor.serving();
            predictor.predict(batch, MAX_BATCH, logits);
            predictor.modelVersion();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(2, predictor.modelVersion());
        assertTrue(allocated < 10_000, allocated + " bytes for 10,000 batches");
    }

    @Test
    void noVersionThatLoadsIsAOneLineError() throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publishTruncated(root, retrained);
        ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> open(follow()));
        assertTrue(e.getMessage().startsWith("model root " + root + ": no version can be served: version 1 "
                + "refused: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void underSharedBatchingTwoSubtasksServeOneHotSwappingModelAndStampTheVersionThatRanTheirBatch()
            throws Exception {
        root = tmp.resolve("root");
        ModelVersions.publish(root, ModelVersions.trained());
        var factory = VersionedPredictorFactory.of(root, new ModelSwapSettings(50, 0, false), DeviceSpec.CPU, 1);
        var batching = new BatchingSettings(MAX_BATCH, 5, BatchingMode.SHARED);
        try (var a = sharedSubtask(factory, batching); var b = sharedSubtask(factory, batching)) {
            assertEquals(1, SharedBatcher.live(), "one model for both subtasks");
            assertEquals(1, classifyOne(a, "a0").modelVersion);
            assertEquals(1, classifyOne(b, "b0").modelVersion);
            ModelVersions.publish(root, retrained);
            long deadline = System.nanoTime() + 60_000_000_000L;
            int i = 1;
            while (classifyOne(a, "a" + i++).modelVersion != 2) { // the shared model's watcher loads v2
                assertTrue(System.nanoTime() < deadline, "version 2 not served within 60 s");
                Thread.sleep(50);
            }
            assertEquals(2, classifyOne(b, "b1").modelVersion, "the other subtask's next batch runs on v2 too");
        }
        assertEquals(0, SharedBatcher.live(), "the model closes with the last subtask");
    }

    private static OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> sharedSubtask(
            PredictorFactory factory, BatchingSettings batching) throws Exception {
        return InferenceHarness.open(factory, batching, 1);
    }

    /** One frame through the subtask (a barrier flushes it); its prediction. */
    private static Prediction classifyOne(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h, String id)
            throws Exception {
        return InferenceHarness.classify(h, id, frame(id.hashCode() & 0xff));
    }

    private static float[] frame(int i) {
        float[] f = new float[FRAME];
        for (int j = 0; j < FRAME; j++) {
            f[j] = ((i * 31 + j * 7) % 255) / 255f;
        }
        return f;
    }

    /** Hands the operator a predictor built by the test, so the test can drive its watcher. */
    static final class FixedFactory implements PredictorFactory {
        private static final long serialVersionUID = 1L;
        private final transient HotSwapPredictor p;
        private final ModelSpec spec;

        FixedFactory(HotSwapPredictor p, ModelSpec spec) {
            this.p = p;
            this.spec = spec;
        }

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public BatchPredictor open(RuntimeContext context, int maxBatch) {
            return p;
        }
    }
}
