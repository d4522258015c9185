package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Prediction;
import dev.condensenet.pipeline.wire.PredictionSerializer;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code consume}: a user reads the job's output without kcat. Records are written in the job's own wire
 * format (its serializers) to a real broker: a prediction, a dead letter, and a prediction in an aborted
 * transaction, which only {@code --isolation-level read_uncommitted} shows.
 */
@Timeout(120)
class ConsumeCommandTest {
    @Test
    void printsPredictionsAndDeadLettersAsTextOrJson() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = KafkaClients.admin(bootstrap, new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of(Topics.PREDICTIONS, 1, Topics.DEAD_LETTERS, 1), (short) 1);
            }
            write(bootstrap);

            PipelineCliTest.Result r = PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap,
                    "--from-beginning", "--max", "2", "--json", "--timeout-s", "30");
            assertEquals(0, r.code(), r.err());
            List<JsonNode> lines = r.out().lines().map(ConsumeCommandTest::json).toList();
            assertEquals(2, lines.size(), r.out());
            JsonNode p = lines.stream().filter(n -> n.get("type").asText().equals("prediction")).findFirst().orElseThrow();
            assertEquals("cam-1", p.get("key").asText());
            assertEquals("cam-1-7", p.get("frameId").asText());
            assertEquals("Trouser", p.at("/prediction/label").asText());
            assertEquals(0.9, p.at("/prediction/score").asDouble(), 1e-6);
            JsonNode d = lines.stream().filter(n -> n.get("type").asText().equals("dead-letter")).findFirst().orElseThrow();
            assertEquals("CORRUPT", d.get("errorClass").asText());
            assertEquals("JPEG image data is cut short", d.get("error").asText());
            assertEquals("frames-0-8", d.get("source").asText());
            assertEquals(3, d.get("valueBytes").asInt());

            r = PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap, "--from-beginning", "--max", "2",
                    "--timeout-s", "30");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("prediction") && l.contains("cam-1-7")
                    && l.contains("Trouser 0.900") && l.contains("(Dress 0.100)")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("dead-letter") && l.contains("cam-1-8")
                    && l.contains("CORRUPT") && l.contains("JPEG image data is cut short")), r.out());

            // The aborted prediction: invisible to read_committed (the default), visible otherwise.
            r = PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap, "--from-beginning", "--max", "3",
                    "--timeout-s", "3");
            assertEquals(1, r.code(), "only 2 committed records: " + r.out());
            assertTrue(r.err().contains("error: 2 of 3 records"), r.err());
            r = PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap, "--from-beginning", "--max", "3",
                    "--timeout-s", "10", "--isolation-level", "read_uncommitted");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("aborted-1"), r.out());

            // Only new records without --from-beginning.
            r = PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap, "--timeout-s", "2");
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.out());

            r = PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap, "--dlq-topic", "nope");
            assertEquals(2, r.code());
            assertTrue(r.err().startsWith("error: ") && r.err().contains("nope"), r.err());
            assertEquals(2, PipelineCliTest.cli("consume", "--bootstrap-servers", bootstrap, "--isolation-level", "x").code());
        }
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** A prediction and a dead letter committed, and a prediction in an aborted transaction. */
    private static void write(String bootstrap) throws Exception {
        Prediction p = new Prediction();
        p.stream = "cam-1";
        p.frameId = "cam-1-7";
        p.label = "Trouser";
        p.classIndex = 1;
        p.score = 0.9f;
        p.topKLabels = new String[] {"Trouser", "Dress"};
        p.topKScores = new float[] {0.9f, 0.1f};
        p.model = "fmnist-26";
        p.captureTs = 1000;
        p.inferenceTs = 1017;
        p.batchSize = 4;
        FrameRecord source = new FrameRecord("cam-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3},
                new String[] {"frame-id"}, new byte[][] {"cam-1-8".getBytes(StandardCharsets.UTF_8)}, "frames", 0, 8, 5L);
        DeadLetter d = new DeadLetter(source, "JPEG image data is cut short", "CORRUPT");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "consume-test");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new PredictionSerializer(Topics.PREDICTIONS).serialize(p, null, 1017L));
            producer.send(new DeadLetterSerializer(Topics.DEAD_LETTERS).serialize(d, null, 1020L));
            producer.commitTransaction();
            p.frameId = "aborted-1";
            producer.beginTransaction();
            producer.send(new PredictionSerializer(Topics.PREDICTIONS).serialize(p, null, 1030L));
            producer.flush();
            producer.abortTransaction();
        }
    }
}
