package dev.condensenet.pipeline.inference;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/** One subtask of the micro-batch inference operator in Flink's operator test harness, set up and opened. */
final class InferenceHarness {
    private InferenceHarness() {
    }

    /** A subtask running {@code factory}'s model with {@code batching}, {@code topK} labels per prediction. */
    static OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> open(PredictorFactory factory,
            BatchingSettings batching, int topK) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<DecodedFrame, Prediction>(
                new MicroBatchInferenceOperator(factory, batching, topK),
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()));
        h.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
        h.open();
        return h;
    }

    /** Sends one frame, flushes it with a checkpoint barrier and returns its prediction (the last output). */
    static Prediction classify(OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h, String id,
                               float[] pixels) throws Exception {
        h.processElement(new DecodedFrame("cam", id, 0, pixels), 0);
        h.prepareSnapshotPreBarrier(1);
        List<Prediction> out = h.extractOutputValues();
        Prediction last = out.get(out.size() - 1);
        if (!id.equals(last.frameId)) {
            throw new AssertionError("the last prediction is for " + last.frameId + ", not " + id);
        }
        return last;
    }
}
