package dev.condensenet.pipeline.job;

import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.FrameRecordDeserializer;
import dev.condensenet.pipeline.wire.Prediction;
import dev.condensenet.pipeline.wire.PredictionSerializer;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Kafka source and sinks for the job, every client getting the settings of {@link KafkaSettings#client()}. */
public final class KafkaWiring {
    /**
     * 10 minutes: above any sane checkpoint interval plus restart time, below the broker's default
     * {@code transaction.max.timeout.ms} (15 min). The connector's own default (1 h) is above that
     * maximum, and the producer would fail to start.
     */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    /** See {@link #sink}: the records of a micro-batch are already together when they reach the producer. */
    static final String SINK_LINGER_MS = "0";

    /** Kafka's default {@code max.request.size}. */
    static final long DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private KafkaWiring() {}

    public static KafkaSource<FrameRecord> source(KafkaSettings k) {
        Properties p = k.client();
        // Cameras rarely write transactionally, but if a producer does, never read aborted frames.
        p.putIfAbsent("isolation.level", "read_committed");
        return KafkaSource.<FrameRecord>builder()
                .setBootstrapServers(k.bootstrapServers())
                .setTopics(k.inputTopic())
                .setGroupId(k.groupId())
                // Offsets live in checkpoints; on a first start resume from the group's committed
                // offsets, or the beginning of the topic.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new FrameRecordDeserializer())
                .setProperties(p)
                .build();
    }

    public static KafkaSink<Prediction> predictionSink(KafkaSettings k) {
        return sink(k, new PredictionSerializer(k.outputTopic()), "predictions");
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings k) {
        return sink(k, new DeadLetterSerializer(k.deadLetterTopic(), k.deadLetterMaxBytes()), "dead-letters");
    }

    /**
     * The largest dead letter ({@code --dead-letter-max-bytes} plus what the serializer adds) must pass the
     * dead-letter producer's {@code max.request.size}, or writing it would fail the job.
     *
     * @throws IllegalArgumentException one line naming both settings
     */
    public static void checkDeadLetterFitsProducer(KafkaSettings k) {
        String set = k.client().getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long limit;
        try {
            limit = set == null ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(set.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("max.request.size in --kafka-properties is not a number: '" + set + "'");
        }
        long largest = (long) k.deadLetterMaxBytes() + DeadLetterSerializer.ADDED_BYTES_MAX;
        if (largest > limit) {
            throw new IllegalArgumentException("--dead-letter-max-bytes " + k.deadLetterMaxBytes() + " + "
                    + DeadLetterSerializer.ADDED_BYTES_MAX + " bytes of dead-letter headers exceeds the producer's "
                    + "max.request.size " + limit + (set == null ? " (Kafka's default)" : " (--kafka-properties)")
                    + "; lower --dead-letter-max-bytes or raise max.request.size");
        }
    }

    /** As {@link #checkDeadLetterFitsProducer}, for the dead-letter topic's {@code max.message.bytes}. */
    public static void checkDeadLetterFitsTopic(KafkaSettings k, long topicMaxMessageBytes) {
        long largest = (long) k.deadLetterMaxBytes() + DeadLetterSerializer.ADDED_BYTES_MAX;
        if (largest > topicMaxMessageBytes) {
            throw new IllegalArgumentException("--dead-letter-max-bytes " + k.deadLetterMaxBytes() + " + "
                    + DeadLetterSerializer.ADDED_BYTES_MAX + " bytes of dead-letter headers exceeds max.message.bytes "
                    + topicMaxMessageBytes + " of topic " + k.deadLetterTopic()
                    + "; lower --dead-letter-max-bytes or raise the topic's max.message.bytes");
        }
    }

    private static <T> KafkaSink<T> sink(KafkaSettings k, KafkaRecordSerializationSchema<T> schema, String name) {
        Properties p = k.client();
        p.putIfAbsent("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        // A micro-batch's outputs are emitted back to back and nothing follows until the next batch, so
        // lingering for more records (Kafka 4's default: 5 ms) only delays every prediction.
        p.putIfAbsent("linger.ms", SINK_LINGER_MS);
        var b = KafkaSink.<T>builder()
                .setBootstrapServers(k.bootstrapServers())
                .setKafkaProducerConfig(p)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(k.guarantee());
        if (k.exactlyOnce()) {
            // One prefix per sink: two sinks sharing transactional ids would fence each other.
            b.setTransactionalIdPrefix(k.transactionalIdPrefix() + "-" + name);
        }
        return b.build();
    }
}
