package dev.condensenet.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.Flags;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.wire.Headers;
import dev.condensenet.pipeline.wire.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the job's output, predictions and dead letters, as they arrive: a reader for the wire format
 * (pipeline/README.md) so a user needs no kcat. Reads without a consumer group (nothing is committed, any
 * number may read at once).
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print predictions and dead letters from Kafka, one line each (or one JSON object",
            "each with --json). Runs until Ctrl-C, --max records or --timeout-s without a record."})
public final class ConsumeCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers = "127.0.0.1:9092";

    @Option(names = "--output-topic", description = "Predictions topic (default: ${DEFAULT-VALUE})")
    String outputTopic = Topics.PREDICTIONS;

    @Option(names = "--dlq-topic", description = "Dead-letter topic (default: ${DEFAULT-VALUE})")
    String dlqTopic = Topics.DEAD_LETTERS;

    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only new ones)")
    boolean fromBeginning;

    @Option(names = "--max", description = "Stop after this many records; 0: no limit (default: ${DEFAULT-VALUE})")
    long max = 0;

    @Option(names = "--timeout-s", description = "Stop when no record came for this long; 0: wait forever "
            + "(default: ${DEFAULT-VALUE})")
    long timeoutS = 0;

    @Option(names = "--isolation-level", description = {"read_committed: only output of committed transactions, what",
        "an exactly-once job has made final; read_uncommitted: also output of transactions still open or",
        "aborted (default: ${DEFAULT-VALUE})"})
    String isolationLevel = "read_committed";

    @Option(names = "--json", description = "One JSON object per record (JSON Lines) on stdout")
    boolean json;

    @Option(names = "--kafka-properties", description = "Properties file with client settings (TLS, SASL, ...)")
    Path kafkaProperties;

    @Spec
    CommandSpec spec;

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        String isolation = isolationLevel.toLowerCase(Locale.ROOT);
        Flags.require(isolation.equals("read_committed") || isolation.equals("read_uncommitted"), spec,
                "--isolation-level", "use read_committed or read_uncommitted");
        Flags.require(max >= 0, spec, "--max", "must be >= 0 (0 = no limit)");
        Flags.require(timeoutS >= 0, spec, "--timeout-s", "must be >= 0 (0 = wait forever)");
        Properties client = KafkaClients.load(kafkaProperties);
        try (Admin admin = KafkaClients.admin(bootstrapServers, client)) { // KafkaSetupException: one line, exit 2
            KafkaClients.partitionCount(admin, outputTopic, Duration.ofSeconds(15));
            KafkaClients.partitionCount(admin, dlqTopic, Duration.ofSeconds(15));
        }
        Properties p = KafkaClients.clientProperties(bootstrapServers, client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        PrintStream out = System.out;
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(outputTopic, dlqTopic)) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(15))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // fix "the end" now, not at the first poll
            }
            Thread main = Thread.currentThread();
            Thread hook = new Thread(consumer::wakeup, "consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long lastRecord = System.nanoTime();
            try {
                while (max == 0 || read < max) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        out.println(json ? json(r) : text(r));
                        if (++read == max) {
                            break;
                        }
                    }
                    out.flush();
                    if (!records.isEmpty()) {
                        lastRecord = System.nanoTime();
                    } else if (timeoutS > 0 && System.nanoTime() - lastRecord > timeoutS * 1_000_000_000L) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                return 0; // Ctrl-C: what was read is printed
            } finally {
                if (Thread.currentThread() == main) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting: the hook runs anyway
                    }
                }
            }
        }
        System.err.println(read + " records");
        if (max > 0 && read < max) {
            System.err.println("error: " + read + " of " + max + " records arrived within " + timeoutS
                    + " s without a record");
            return ExitCodes.FAILED;
        }
        return 0;
    }

    /** One human-readable line: what, stream, frame id, then the label and score or the error. */
    String text(ConsumerRecord<byte[], byte[]> r) throws IOException {
        String stream = r.key() == null ? "-" : new String(r.key(), StandardCharsets.UTF_8);
        String frameId = header(r, Headers.FRAME_ID);
        if (r.topic().equals(outputTopic)) {
            JsonNode p = prediction(r);
            if (p == null) {
                return String.format(Locale.ROOT, "prediction   %s  %s  (not JSON: %d bytes)", stream, frameId,
                        r.value() == null ? 0 : r.value().length);
            }
            StringBuilder others = new StringBuilder();
            JsonNode top = p.path("topK");
            for (int i = 1; i < top.size(); i++) {
                others.append(i > 1 ? ", " : "").append(top.get(i).path("label").asText())
                        .append(String.format(Locale.ROOT, " %.3f", top.get(i).path("score").asDouble()));
            }
            return String.format(Locale.ROOT, "prediction   %s  %s  %s %.3f%s  latency %d ms  batch %d", stream,
                    p.path("frameId").asText(frameId), p.path("label").asText(), p.path("score").asDouble(),
                    others.length() == 0 ? "" : "  (" + others + ")", p.path("latencyMs").asLong(),
                    p.path("batchSize").asInt());
        }
        return String.format(Locale.ROOT, "dead-letter  %s  %s  %s  %s  (from %s)", stream,
                frameId == null ? source(r) : frameId, header(r, Headers.ERROR_CLASS), header(r, Headers.ERROR), source(r));
    }

    /** One JSON object: where the record is, then the prediction as the job wrote it, or the dead letter's headers. */
    String json(ConsumerRecord<byte[], byte[]> r) throws IOException {
        ObjectNode o = mapper.createObjectNode();
        boolean isPrediction = r.topic().equals(outputTopic);
        o.put("type", isPrediction ? "prediction" : "dead-letter");
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("timestamp", r.timestamp());
        o.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        o.put("frameId", header(r, Headers.FRAME_ID));
        if (isPrediction) {
            JsonNode p = prediction(r);
            if (p != null) {
                o.set("prediction", p);
            } else {
                o.put("valueBytes", r.value() == null ? 0 : r.value().length);
            }
        } else {
            o.put("errorClass", header(r, Headers.ERROR_CLASS));
            o.put("error", header(r, Headers.ERROR));
            o.put("source", source(r));
            o.put("valueBytes", r.value() == null ? 0 : r.value().length);
            if (header(r, Headers.TRUNCATED) != null) {
                o.put("truncated", header(r, Headers.TRUNCATED));
                o.put("originalSize", header(r, Headers.ORIGINAL_SIZE));
                o.put("originalSha256", header(r, Headers.ORIGINAL_SHA256));
            }
        }
        return mapper.writeValueAsString(o);
    }

    private JsonNode prediction(ConsumerRecord<byte[], byte[]> r) {
        try {
            return r.value() == null ? null : mapper.readTree(r.value());
        } catch (IOException e) {
            return null; // not the job's output: shown as bytes, not fatal
        }
    }

    private static String source(ConsumerRecord<byte[], byte[]> r) {
        return header(r, Headers.SOURCE_TOPIC) + "-" + header(r, Headers.SOURCE_PARTITION) + "-"
                + header(r, Headers.SOURCE_OFFSET);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
