package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MicroBatchInferenceOperatorTest {
    private MicroBatchInferenceOperator operator;
    private OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> harness;

    @BeforeEach
    void setUp() throws Exception {
        operator = new MicroBatchInferenceOperator(new MeanIntensityPredictor.Factory(), new BatchingSettings(4, 1000), 3);
        harness = new OneInputStreamOperatorTestHarness<>(operator,
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()));
        harness.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
        harness.open();
        harness.setProcessingTime(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close(); // idempotent enough for tests that already closed
        assertEquals(0, MeanIntensityPredictor.OPEN.get(), "predictor closed with the operator");
    }

    /** Frame {@code id} of class {@code cls} (all four pixels = cls), captured at {@code ts}. */
    private void send(String id, int cls, long ts) throws Exception {
        float v = cls;
        harness.processElement(new DecodedFrame("cam", id, ts, new float[] {v, v, v, v}), ts);
    }

    private List<Prediction> out() {
        return harness.extractOutputValues();
    }

    @Test
    void flushesWhenTheBatchIsFull() throws Exception {
        for (int i = 0; i < 10; i++) {
            send("f" + i, i % 5, 0);
        }
        List<Prediction> p = out();
        assertEquals(8, p.size(), "two full batches of 4, two frames still buffered");
        p.forEach(x -> assertEquals(4, x.batchSize));
        InferenceMetrics m = operator.metrics();
        assertEquals(2, m.flushSize.getCount());
        assertEquals(0, m.flushTimer.getCount());
        assertEquals(1, harness.getProcessingTimeService().getNumActiveTimers(), "timer armed for the partial batch only");

        harness.setProcessingTime(1000);
        p = out();
        assertEquals(10, p.size());
        assertEquals(2, p.get(9).batchSize);
        assertEquals(1, m.flushTimer.getCount());
        assertEquals(3, m.batches.getCount());
        assertEquals(10, m.predictions.getCount());
    }

    @Test
    void timerCountsFromTheOldestBufferedFrame() throws Exception {
        send("a", 1, 0);
        harness.setProcessingTime(600);
        send("b", 2, 600);
        harness.setProcessingTime(999);
        assertEquals(0, out().size(), "the oldest frame has waited 999 ms of 1000");
        harness.setProcessingTime(1000);
        assertEquals(2, out().size());
        assertEquals(1, operator.metrics().flushTimer.getCount());
        assertEquals(0, harness.getProcessingTimeService().getNumActiveTimers());

        // The next frame starts a new delay window.
        harness.setProcessingTime(1500);
        send("c", 3, 1500);
        harness.setProcessingTime(2499);
        assertEquals(2, out().size());
        harness.setProcessingTime(2500);
        assertEquals(3, out().size());
    }

    @Test
    void flushesBeforeACheckpointBarrierAndDisarmsTheTimer() throws Exception {
        send("a", 1, 0);
        send("b", 2, 0);
        send("c", 3, 0);
        harness.prepareSnapshotPreBarrier(1);
        assertEquals(3, out().size(), "nothing stays buffered across a barrier");
        assertEquals(1, operator.metrics().flushBarrier.getCount());
        assertEquals(0, harness.getProcessingTimeService().getNumActiveTimers());
        harness.setProcessingTime(5000);
        assertEquals(0, operator.metrics().flushTimer.getCount());
        assertEquals(1, operator.metrics().batches.getCount());

        harness.prepareSnapshotPreBarrier(2);
        assertEquals(1, operator.metrics().flushBarrier.getCount(), "an empty buffer is not flushed");
    }

    @Test
    void flushesAtEndOfInput() throws Exception {
        send("a", 4, 0);
        send("b", 0, 0);
        InferenceMetrics m = operator.metrics();
        harness.close(); // finish() then close(), as a task does at end of input / stop-with-drain
        assertEquals(2, out().size());
        assertEquals(1, m.flushEnd.getCount());
        assertEquals(0, MeanIntensityPredictor.OPEN.get());
    }

    @Test
    void predictionsKeepInputOrderAndCarryTheFrame() throws Exception {
        int[] classes = {3, 0, 4, 4, 1, 2, 0};
        harness.setProcessingTime(200);
        for (int i = 0; i < classes.length; i++) {
            send("f" + i, classes[i], 100 + i);
        }
        harness.setProcessingTime(1200);
        List<Prediction> p = out();
        assertEquals(classes.length, p.size());
        for (int i = 0; i < classes.length; i++) {
            Prediction x = p.get(i);
            assertEquals("f" + i, x.frameId);
            assertEquals("cam", x.stream);
            assertEquals(classes[i], x.classIndex);
            assertEquals(MeanIntensityPredictor.SPEC.classNames[classes[i]], x.label);
            assertEquals("mean-intensity", x.model);
            assertEquals(100 + i, x.captureTs);
            assertEquals(3, x.topKLabels.length);
            assertEquals(x.label, x.topKLabels[0]);
            assertEquals(x.score, x.topKScores[0]);
            assertTrue(x.topKScores[0] >= x.topKScores[1] && x.topKScores[1] >= x.topKScores[2]);
            assertTrue(x.score > 0.5f && x.score < 1f, "softmax of logits 4 apart: " + x.score);
            assertEquals(i < 4 ? 200 : 1200, x.inferenceTs, "processing time of the flush");
            assertEquals(x.inferenceTs - x.captureTs, x.latencyMs);
        }
    }

    @Test
    void softmaxScoresAreProbabilities() throws Exception {
        send("a", 2, 0);
        harness.setProcessingTime(1000);
        Prediction x = out().get(0);
        // logits for class 2: [-8, -4, 0, -4, -8] → softmax top three.
        double z = Math.exp(0) + 2 * Math.exp(-4) + 2 * Math.exp(-8);
        assertEquals(1 / z, x.topKScores[0], 1e-6);
        assertEquals(Math.exp(-4) / z, x.topKScores[1], 1e-6);
        assertEquals(Math.exp(-4) / z, x.topKScores[2], 1e-6);
    }

    @Test
    void recordsBatchSizeLatencyAndInferenceTime() throws Exception {
        harness.setProcessingTime(10_000);
        for (int i = 0; i < 6; i++) {
            send("f" + i, 1, 10_000 - 50 - i);
        }
        harness.setProcessingTime(10_030);
        harness.prepareSnapshotPreBarrier(7);
        InferenceMetrics m = operator.metrics();
        assertEquals(2, m.batchSize.getCount());
        assertEquals(4, m.batchSize.getStatistics().getMax());
        assertEquals(2, m.batchSize.getStatistics().getMin());
        assertEquals(3.0, m.batchSize.getStatistics().getMean(), 1e-9);
        assertEquals(6, m.latencyMs.getCount());
        // Latency is processing time minus capture time: 50..53 ms for the full batch, 80..85 ms at the barrier.
        assertEquals(50, m.latencyMs.getStatistics().getMin());
        assertEquals(85, m.latencyMs.getStatistics().getMax());
        assertEquals(10_030, out().get(5).inferenceTs);
        assertEquals(2, m.inferenceTimeMicros.getCount());
        assertEquals(1, m.flushSize.getCount());
        assertEquals(1, m.flushBarrier.getCount());
    }
}
