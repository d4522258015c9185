package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.MeanIntensityPredictor;
import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Prediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * Record contents are never Java-deserialized: every type the job moves is a Flink POJO (serialized field
 * by field), the job graph is built with generic (Kryo) types switched off, and the job's sources contain
 * no {@code ObjectInputStream}. Image bytes are only ever parsed by the bounded image decoder.
 */
class RecordSerializationTest {
    @Test
    void everyRecordTypeIsAPojoWithoutGenericFields() {
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);
        for (Class<?> type : List.of(FrameRecord.class, DecodedFrame.class, Prediction.class, DeadLetter.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertInstanceOf(PojoTypeInfo.class, info, type.getSimpleName());
            // Throws for any field that would need Kryo when generic types are disabled.
            assertInstanceOf(PojoSerializer.class, info.createSerializer(noGenerics), type.getSimpleName());
        }
    }

    @Test
    void theJobIsBuiltWithGenericTypesOff() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<FrameRecord> source = new DataGeneratorSource<>(i -> new FrameRecord(), 1,
                TypeInformation.of(FrameRecord.class));
        Sink<Prediction> predictions = new DiscardingSink<>();
        Sink<DeadLetter> deadLetters = new DiscardingSink<>();
        MeanIntensityPredictor.Factory model = new MeanIntensityPredictor.Factory();
        PipelineGraph.build(env, source, predictions, deadLetters, model,
                model.spec().decoderSettings(FrameLimits.DEFAULT), BatchingSettings.DEFAULT, 3);
        assertTrue(env.getConfig().getSerializerConfig().hasGenericTypesDisabled());
        // Building the stream graph creates every serializer: a generic type would throw here.
        assertTrue(env.getStreamGraph().getStreamNodes().size() >= 4);
    }

    @Test
    void noJavaDeserializationInTheJob() throws IOException {
        Path main = Path.of("src", "main", "java");
        try (Stream<Path> files = Files.walk(main)) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    String s = Files.readString(f);
                    return s.contains("ObjectInputStream") || s.contains("readObject(");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertTrue(offenders.isEmpty(), "Java deserialization in " + offenders);
        }
    }
}
