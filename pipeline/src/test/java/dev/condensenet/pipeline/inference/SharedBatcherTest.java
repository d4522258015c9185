package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several operator subtasks (harnesses) sharing one {@link SharedBatcher}: merging, order, barriers, failure. */
@Timeout(60)
class SharedBatcherTest {
    /** The job's --max-batch: shared by three subtasks, each hands over requests of 4 frames. */
    static final int MAX_BATCH = 12;
    /** Holds the device in its first batch until released, so that the next batches queue up and merge. */
    static volatile CountDownLatch gate;
    static volatile CountDownLatch inFirstBatch;
    static final AtomicBoolean FAIL = new AtomicBoolean();

    /** Mean-intensity model whose first batch waits for {@link #gate}; fails while {@link #FAIL} is set. */
    static final class GatedFactory implements PredictorFactory {
        private static final long serialVersionUID = 1L;
        private final String tag;

        GatedFactory(String tag) {
            this.tag = tag; // different tags are different models, so different batchers
        }

        @Override
        public ModelSpec spec() {
            return MeanIntensityPredictor.SPEC;
        }

        @Override
        public BatchPredictor open(RuntimeContext context, int maxBatch) throws Exception {
            BatchPredictor inner = new MeanIntensityPredictor.Factory().open(context, maxBatch);
            return new BatchPredictor() {
                private boolean first = true;

                @Override
                public void predict(float[] batch, int n, float[] logits) throws Exception {
                    if (first) {
                        first = false;
                        inFirstBatch.countDown();
                        gate.await(30, TimeUnit.SECONDS);
                    }
                    if (FAIL.get()) {
                        throw new IllegalStateException("device lost");
                    }
                    inner.predict(batch, n, logits);
                }

                @Override
                public void close() throws Exception {
                    inner.close();
                }
            };
        }
    }

    private final List<OneInputStreamOperatorTestHarness<DecodedFrame, Prediction>> harnesses = new ArrayList<>();

    private OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> subtask(PredictorFactory f) throws Exception {
        MicroBatchInferenceOperator op = new MicroBatchInferenceOperator(f,
                new BatchingSettings(MAX_BATCH, 1000, BatchingMode.SHARED), 2);
        OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h = new OneInputStreamOperatorTestHarness<>(op,
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()));
        h.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
        h.open();
        h.setProcessingTime(0);
        harnesses.add(h);
        return h;
    }

    @BeforeEach
    void newGate() {
        gate = new CountDownLatch(1);
        inFirstBatch = new CountDownLatch(1);
        FAIL.set(false);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (var h : harnesses) {
            try {
                h.close();
            } catch (Exception ignored) {
                // a test that failed a batch leaves its subtask failed; closing still releases the batcher
            }
        }
        assertEquals(0, SharedBatcher.live(), "the last subtask closed the batcher");
        assertEquals(0, MeanIntensityPredictor.OPEN.get(), "and its model");
    }

    private static void send(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h, String id, int cls)
            throws Exception {
        float v = cls;
        h.processElement(new DecodedFrame("cam", id, 0, new float[] {v, v, v, v}), 0);
    }

    @Test
    void subtasksShareOneModelAndQueuedBatchesMerge() throws Exception {
        GatedFactory model = new GatedFactory("merge");
        var a = subtask(model);
        var b = subtask(model);
        var c = subtask(model);
        assertEquals(1, MeanIntensityPredictor.OPEN.get(), "one model for three subtasks");
        SharedBatcher batcher = ((SharedBatcher.Handle) predictorOf(a)).batcher();
        // Each subtask's share of a merged batch follows the subtasks holding the batcher in this JVM (a job's
        // parallelism spans TaskManagers; only this TaskManager's subtasks fill its batches).
        assertEquals(MAX_BATCH / 3, ((SharedBatcher.Handle) predictorOf(a)).share());

        // a's single frame occupies the device; b's and c's barriers queue two frames each meanwhile.
        CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> barrier(a, "a", 1, 1));
        assertTrue(inFirstBatch.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> barrier(b, "b", 2, 2));
        CompletableFuture<Void> fc = CompletableFuture.runAsync(() -> barrier(c, "c", 2, 3));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batcher.queueDepth() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(4, batcher.queueDepth(), "b and c wait while the device is busy");
        assertTrue(b.extractOutputValues().isEmpty(), "a barrier does not pass before the subtask's logits are back");
        gate.countDown();
        CompletableFuture.allOf(fa, fb, fc).get(10, TimeUnit.SECONDS);

        assertEquals(4, batcher.largestMerged(), "b's and c's batches ran as one");
        assertEquals(2, batcher.largestRequest());
        assertEquals(2, batcher.mergedBatchSize.getCount());
        // Each subtask got its own rows back, in its input order.
        assertEquals(List.of("b0", "b1"), b.extractOutputValues().stream().map(p -> p.frameId).toList());
        assertEquals(List.of(2, 2), b.extractOutputValues().stream().map(p -> p.classIndex).toList());
        assertEquals(List.of(4, 4), b.extractOutputValues().stream().map(p -> p.batchSize).toList(),
                "predictions carry the merged batch size");
        assertEquals(List.of(3, 3), c.extractOutputValues().stream().map(p -> p.classIndex).toList());
        assertEquals(1, a.extractOutputValues().get(0).classIndex);
        assertEquals(0, batcher.queueDepth());
        assertTrue(batcher.busyFraction() > 0 && batcher.busyFraction() <= 1);

        // The batcher outlives a closed subtask and closes with the last one.
        a.close();
        assertEquals(MAX_BATCH / 2, ((SharedBatcher.Handle) predictorOf(b)).share(), "two holders left");
        send(b, "late", 4);
        b.prepareSnapshotPreBarrier(2);
        assertEquals(4, b.extractOutputValues().get(2).classIndex);
        assertEquals(1, SharedBatcher.live());
    }

    @Test
    void aFailedMergedBatchFailsItsSubtasks() throws Exception {
        gate.countDown();
        GatedFactory model = new GatedFactory("fail");
        var a = subtask(model);
        var b = subtask(model);
        send(a, "a0", 1);
        a.prepareSnapshotPreBarrier(1); // the first batch passes the gate
        FAIL.set(true);
        try {
            send(b, "b0", 2);
            Exception e = assertThrows(Exception.class, () -> b.prepareSnapshotPreBarrier(1));
            assertTrue(String.valueOf(e.getMessage()).contains("device lost")
                    || String.valueOf(e.getCause()).contains("device lost"), e.toString());
        } finally {
            FAIL.set(false);
        }
        assertEquals(1, a.extractOutputValues().size());
        assertTrue(b.extractOutputValues().isEmpty(), "no prediction from a failed batch");
    }

    private static void barrier(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h, String p, int frames,
                                int cls) {
        try {
            for (int i = 0; i < frames; i++) {
                send(h, p + i, cls);
            }
            h.prepareSnapshotPreBarrier(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BatchPredictor predictorOf(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h) {
        return ((MicroBatchInferenceOperator) h.getOneInputOperator()).predictor();
    }
}
