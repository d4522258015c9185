package dev.condensenet.pipeline.kafka;

import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.wire.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Client settings and topic administration shared by the job, the CLI and the tests. */
public final class KafkaClients {
    private KafkaClients() {}

    /** A Kafka problem the user can fix (unreachable broker, missing topic): a one-line message. */
    public static final class KafkaSetupException extends UserError {
        private static final long serialVersionUID = 1L;

        public KafkaSetupException(String message) {
            super(message);
        }
    }

    /** Reads a {@code --kafka-properties} file (TLS, SASL, ... settings passed to every client). */
    public static Properties load(Path file) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        if (!Files.isRegularFile(file)) {
            throw new KafkaSetupException("--kafka-properties " + file + (Files.isDirectory(file) ? " is a directory"
                    : " does not exist") + ": give a Java properties file of client settings (e.g. "
                    + "security.protocol=SASL_SSL)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new KafkaSetupException("cannot read Kafka properties " + file + ": " + e.getMessage());
        }
        return p;
    }

    /** {@code extra} plus bootstrap servers (the explicit flag wins over the file). */
    public static Properties clientProperties(String bootstrapServers, Properties extra) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /**
     * An admin client for {@code bootstrapServers}.
     *
     * @throws KafkaSetupException at once when no bootstrap address accepts a connection
     */
    public static Admin admin(String bootstrapServers, Properties extra) {
        BrokerAddresses.requireReachable(bootstrapServers);
        Properties p = clientProperties(bootstrapServers, extra);
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(p);
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void ensureTopics(Admin admin, Map<String, Integer> partitionsByTopic, short replication) {
        ensureTopics(admin, partitionsByTopic, replication, Map.of());
    }

    /**
     * Creates the topics that do not exist yet, and makes sure the input topic takes every frame the job
     * accepts: its {@code max.message.bytes} is set to {@link Topics#frameRecordLimit} (raised on a topic
     * that exists with less, e.g. a broker restarted on old data).
     */
    public static void ensureTopicsForFrames(Admin admin, Map<String, Integer> partitionsByTopic, short replication,
                                             String framesTopic, int maxFrameBytes) {
        String limit = Integer.toString(Topics.frameRecordLimit(maxFrameBytes));
        ensureTopics(admin, partitionsByTopic, replication,
                Map.of(framesTopic, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, limit)));
        OptionalLong now = maxMessageBytes(admin, framesTopic, Duration.ofSeconds(15));
        if (now.isPresent() && now.getAsLong() < Topics.frameRecordLimit(maxFrameBytes)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, framesTopic);
            AlterConfigOp raise = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, limit),
                    AlterConfigOp.OpType.SET);
            try {
                admin.incrementalAlterConfigs(Map.of(r, List.of(raise))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaSetupException("cannot raise max.message.bytes of topic " + framesTopic + " to " + limit
                        + ": " + (e.getCause() == null ? e : e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaSetupException("interrupted while contacting Kafka");
            }
        }
    }

    private static void ensureTopics(Admin admin, Map<String, Integer> partitionsByTopic, short replication,
                                     Map<String, Map<String, String>> configs) {
        List<NewTopic> topics = new ArrayList<>();
        partitionsByTopic.forEach((t, n) -> topics.add(new NewTopic(t, n, replication).configs(configs.get(t))));
        admin.createTopics(topics).values().forEach((name, f) -> {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaSetupException("cannot create topic " + name + ": " + e.getCause().getMessage());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw new KafkaSetupException("cannot create topic " + name + ": " + e);
            }
        });
    }

    /**
     * The topic's effective {@code max.message.bytes} (its own setting or the broker's default), or empty
     * when the broker does not say (e.g. no permission to describe configs): a check that can be skipped.
     */
    public static OptionalLong maxMessageBytes(Admin admin, String topic, Duration timeout) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config c = admin.describeConfigs(Set.of(r)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(r);
            ConfigEntry e = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return e == null || e.value() == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(e.value()));
        } catch (ExecutionException | TimeoutException | NumberFormatException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaSetupException("interrupted while contacting Kafka");
        }
    }

    /** A broker that accepts connections but does not answer as Kafka: the address or the client settings. */
    private static final String NO_ANSWER = "the Kafka broker accepts connections but does not answer: check that "
            + "--bootstrap-servers is a Kafka listener, the address the broker advertises is reachable from here, "
            + "and that --kafka-properties matches its security settings (TLS, SASL)";

    /** Partition count of {@code topic}; a one-line error if the broker is unreachable or the topic absent. */
    public static int partitionCount(Admin admin, String topic, Duration timeout) {
        try {
            Map<String, TopicDescription> d = admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return d.get(topic).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new KafkaSetupException("topic " + topic + " does not exist (create it first)");
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) { // "node assignment"
                throw new KafkaSetupException(NO_ANSWER);
            }
            throw new KafkaSetupException("cannot describe topic " + topic + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new KafkaSetupException(NO_ANSWER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaSetupException("interrupted while contacting Kafka");
        }
    }
}
