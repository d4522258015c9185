package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The GPU a subtask uses comes from Flink's external resource "gpu" (the GPU plugin's "index" property). */
class GpuIndexTest {
    static final AtomicInteger SEEN = new AtomicInteger(-1);

    /** Records the GPU index the operator's runtime context yields, then behaves as the test model. */
    static final class IndexRecordingFactory implements PredictorFactory {
        @Override
        public ModelSpec spec() {
            return MeanIntensityPredictor.SPEC;
        }

        @Override
        public BatchPredictor open(RuntimeContext context, int maxBatch) {
            SEEN.set(DjlPredictorFactory.gpuIndex(context));
            return new MeanIntensityPredictor.Factory().open(context, maxBatch);
        }
    }

    static ExternalResourceInfo info(Map<String, String> props) {
        return new ExternalResourceInfo() {
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(props.get(key));
            }

            public Collection<String> getKeys() {
                return props.keySet();
            }
        };
    }

    static int indexWith(ExternalResourceInfoProvider provider) throws Exception {
        SEEN.set(-1);
        MockEnvironment env = new MockEnvironmentBuilder().setExternalResourceInfoProvider(provider).build();
        try (OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h = new OneInputStreamOperatorTestHarness<>(
                new MicroBatchInferenceOperator(new IndexRecordingFactory(), new BatchingSettings(2, 10), 1),
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()), env)) {
            h.open();
        }
        return SEEN.get();
    }

    @Test
    void usesTheIndexFlinkAssigned() throws Exception {
        assertEquals(3, indexWith(name -> name.equals("gpu") ? Set.of(info(Map.of("index", "3"))) : Set.of()));
    }

    @Test
    void defaultsToZeroWithoutTheGpuResource() throws Exception {
        assertEquals(0, indexWith(ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES));
        assertEquals(0, indexWith(name -> Set.of(info(Map.of("vendor", "x")))));
        assertEquals(0, DjlPredictorFactory.gpuIndex(null));
    }
}
