package dev.condensenet.pipeline.job;

import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import dev.condensenet.pipeline.wire.Topics;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * How the job reaches Kafka: brokers, its three topics, the consumer group, the delivery guarantee of its two
 * sinks and the client settings every Kafka client of the job gets ({@code --kafka-properties}: TLS, SASL, ...).
 *
 * @param bootstrapServers      {@code host:port[,host:port]}
 * @param inputTopic            image frames
 * @param outputTopic           JSON predictions
 * @param deadLetterTopic       dead letters
 * @param groupId               consumer group, or null for {@code condensenet-<inputTopic>} (offsets also live
 *                              in checkpoints)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids (exactly-once), or null for the group id;
 *                              unique per job and stable across restarts
 * @param guarantee             {@link DeliveryGuarantee#AT_LEAST_ONCE} or {@link DeliveryGuarantee#EXACTLY_ONCE}
 *                              (transactional output; consumers need {@code isolation.level=read_committed})
 * @param client                client properties, copied
 * @param deadLetterMaxBytes    most bytes of the original record copied into a dead letter (see
 *                              {@link DeadLetterSerializer})
 */
public record KafkaSettings(String bootstrapServers, String inputTopic, String outputTopic, String deadLetterTopic,
                            String groupId, String transactionalIdPrefix, DeliveryGuarantee guarantee,
                            Properties client, int deadLetterMaxBytes) {

    /**
     * @throws NullPointerException     if the servers, a topic or the guarantee is null
     * @throws IllegalArgumentException for {@link DeliveryGuarantee#NONE} or a negative dead-letter size
     */
    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(outputTopic, "outputTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(guarantee, "guarantee");
        if (guarantee == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("the job's output is at-least-once or exactly-once, never none");
        }
        if (deadLetterMaxBytes < 0) {
            throw new IllegalArgumentException("--dead-letter-max-bytes must be >= 0, not " + deadLetterMaxBytes);
        }
        client = copy(client);
    }

    /** The default topics and group, at-least-once, no client settings, 256 KiB dead letters. */
    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Topics.FRAMES, Topics.PREDICTIONS, Topics.DEAD_LETTERS, null,
                null, DeliveryGuarantee.AT_LEAST_ONCE, new Properties(), DeadLetterSerializer.DEFAULT_MAX_BYTES);
    }

    @Override
    public String groupId() {
        return groupId != null ? groupId : "condensenet-" + inputTopic;
    }

    @Override
    public String transactionalIdPrefix() {
        return transactionalIdPrefix != null ? transactionalIdPrefix : groupId();
    }

    /** A copy: the settings stay as they were built. */
    @Override
    public Properties client() {
        return copy(client);
    }

    public boolean exactlyOnce() {
        return guarantee == DeliveryGuarantee.EXACTLY_ONCE;
    }

    public KafkaSettings withTopics(String input, String output, String deadLetters) {
        return new KafkaSettings(bootstrapServers, input, output, deadLetters, groupId, transactionalIdPrefix,
                guarantee, client, deadLetterMaxBytes);
    }

    public KafkaSettings withGroupId(String group) {
        return new KafkaSettings(bootstrapServers, inputTopic, outputTopic, deadLetterTopic, group,
                transactionalIdPrefix, guarantee, client, deadLetterMaxBytes);
    }

    public KafkaSettings withTransactionalIdPrefix(String prefix) {
        return new KafkaSettings(bootstrapServers, inputTopic, outputTopic, deadLetterTopic, groupId, prefix,
                guarantee, client, deadLetterMaxBytes);
    }

    public KafkaSettings withGuarantee(DeliveryGuarantee g) {
        return new KafkaSettings(bootstrapServers, inputTopic, outputTopic, deadLetterTopic, groupId,
                transactionalIdPrefix, g, client, deadLetterMaxBytes);
    }

    public KafkaSettings withClient(Properties properties) {
        return new KafkaSettings(bootstrapServers, inputTopic, outputTopic, deadLetterTopic, groupId,
                transactionalIdPrefix, guarantee, properties, deadLetterMaxBytes);
    }

    public KafkaSettings withDeadLetterMaxBytes(int bytes) {
        return new KafkaSettings(bootstrapServers, inputTopic, outputTopic, deadLetterTopic, groupId,
                transactionalIdPrefix, guarantee, client, bytes);
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        if (p != null) {
            c.putAll(p);
        }
        return c;
    }
}
