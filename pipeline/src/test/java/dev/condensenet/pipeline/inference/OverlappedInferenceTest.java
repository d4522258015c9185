package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decode overlapped with inference (per-subtask batching): a batch runs on the subtask's inference thread
 * while the next frames are buffered; at most one batch is in flight; predictions come out on the task thread
 * in input order, through the mailbox as soon as a batch is back, and all of them before a barrier passes and
 * at end of input; a failed batch fails the operator.
 */
@Timeout(60)
class OverlappedInferenceTest {
    /** Each batch waits for a permit; records the thread it ran on; fails while {@link #FAIL} is set. */
    static final java.util.concurrent.Semaphore PERMITS = new java.util.concurrent.Semaphore(0);
    static volatile CountDownLatch started = new CountDownLatch(1);
    static final AtomicReference<String> THREAD = new AtomicReference<>();
    static volatile boolean fail;

    static final class GatedFactory implements PredictorFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public ModelSpec spec() {
            return MeanIntensityPredictor.SPEC;
        }

        @Override
        public BatchPredictor open(RuntimeContext context, int maxBatch) {
            BatchPredictor inner = new MeanIntensityPredictor.Factory().open(context, maxBatch);
            return new BatchPredictor() {
                @Override
                public void predict(float[] batch, int n, float[] logits) throws Exception {
                    THREAD.set(Thread.currentThread().getName());
                    started.countDown();
                    if (!PERMITS.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("test never released the batch");
                    }
                    if (fail) {
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

    private OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> harness;

    @BeforeEach
    void setUp() throws Exception {
        PERMITS.drainPermits();
        started = new CountDownLatch(1);
        fail = false;
        harness = new OneInputStreamOperatorTestHarness<>(
                new MicroBatchInferenceOperator(new GatedFactory(), new BatchingSettings(2, 60_000, BatchingMode.OVERLAPPED), 1),
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()));
        harness.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        PERMITS.release(100); // nothing stays blocked
        try {
            harness.close();
        } catch (Exception ignored) {
            // a test that failed the operator on purpose
        }
        assertEquals(0, MeanIntensityPredictor.OPEN.get(), "predictor closed with the operator");
    }

    private void send(String id, int cls) throws Exception {
        float v = cls;
        harness.processElement(new DecodedFrame("cam", id, 0, new float[] {v, v, v, v}), 0);
    }

    private List<String> ids() {
        return harness.extractOutputValues().stream().map(p -> p.frameId).toList();
    }

    /** Runs the mail the operator's inference thread posted (what the task's mailbox loop does between records). */
    private void runMailWithin(long ms) throws Exception {
        TaskMailbox box = harness.getTaskMailbox();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < deadline) {
            Optional<Mail> m = box.tryTake(TaskMailbox.MIN_PRIORITY);
            if (m.isPresent()) {
                m.get().run();
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no mail within " + ms + " ms");
    }

    @Test
    void theNextBatchIsBufferedWhileOneRunsAndPredictionsComeBackThroughTheMailboxInOrder() throws Exception {
        send("f0", 1);
        send("f1", 2); // full: runs on the inference thread
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(THREAD.get().startsWith("condensenet-inference"), THREAD.get());
        send("f2", 3); // the task thread goes on while the batch is on the model
        assertEquals(List.of(), ids(), "nothing emitted while the batch is in flight");
        PERMITS.release();
        runMailWithin(10_000);
        assertEquals(List.of("f0", "f1"), ids(), "emitted as soon as the batch is back");
        assertEquals(List.of("one", "two"), harness.extractOutputValues().stream().map(p -> p.label).toList());
        send("f3", 4);
        PERMITS.release();
        harness.prepareSnapshotPreBarrier(1);
        assertEquals(List.of("f0", "f1", "f2", "f3"), ids());
    }

    @Test
    void atMostOneBatchIsInFlightAndAFullBufferWaitsForIt() throws Exception {
        send("f0", 0);
        send("f1", 0);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        send("f2", 1);
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            PERMITS.release(2);
        });
        releaser.start();
        long t0 = System.nanoTime();
        send("f3", 1); // second batch full: waits for the first (backpressure), emits it, then submits
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMs >= 200, "waited " + waitedMs + " ms");
        assertEquals(List.of("f0", "f1"), ids(), "the first batch is out before the second is submitted");
        releaser.join();
        harness.prepareSnapshotPreBarrier(1);
        assertEquals(List.of("f0", "f1", "f2", "f3"), ids());
    }

    @Test
    void aBarrierWaitsForTheBatchInFlightAndFlushesTheBufferedFrames() throws Exception {
        send("f0", 0);
        send("f1", 1);
        send("f2", 2); // buffered; f0, f1 in flight
        PERMITS.release(2);
        harness.prepareSnapshotPreBarrier(7);
        assertEquals(List.of("f0", "f1", "f2"), ids(), "nothing in flight or buffered at the snapshot");
    }

    @Test
    void endOfInputAnswersEveryFrame() throws Exception {
        send("f0", 0);
        send("f1", 1);
        send("f2", 2);
        PERMITS.release(2);
        harness.close(); // finish() then close()
        assertEquals(List.of("f0", "f1", "f2"), ids());
    }

    @Test
    void aFailedBatchFailsTheOperatorAndEmitsNothingForIt() throws Exception {
        fail = true;
        send("f0", 0);
        send("f1", 1);
        send("f2", 2);
        PERMITS.release(2);
        Exception e = assertThrows(Exception.class, () -> harness.prepareSnapshotPreBarrier(1));
        assertTrue(String.valueOf(e.getMessage()).contains("device lost"), e.toString());
        assertEquals(List.of(), ids());
    }
}
