package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condensenet.model.engine.DeviceSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.TopicReader;
import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a real Flink MiniCluster against a real in-JVM Kafka broker: ~300 frames, some
 * malformed, each must come out exactly once as a prediction or a dead letter.
 */
@Timeout(240)
class PipelineIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    static Path tmp;
    static EmbeddedKafka kafka;
    static TestFrames frames;
    static Path model;
    static final Map<String, JsonNode> predictions = new HashMap<>();
    static final Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = new HashMap<>();
    static int duplicates;
    static long seconds;

    @BeforeAll
    static void runPipeline() throws Exception {
        kafka = EmbeddedKafka.start();
        TestFrames.createTopics(kafka.bootstrapServers());
        model = TestFrames.modelOrUntrained(tmp);
        StreamExecutionEnvironment env = StreamingJob.builder()
                .setKafka(KafkaSettings.of(kafka.bootstrapServers()))
                .setModel(model)
                .optDevice(DeviceSpec.CPU)
                .optFrameLimits(new FrameLimits(DecoderSettings.DEFAULT_MAX_PIXELS, 200_000))
                .optBatching(new BatchingSettings(16, 20))
                .optCheckpoints(CheckpointSettings.DEFAULT.withIntervalMs(1000))
                .optParallelism(2)
                .prepare().env();

        long t0 = System.nanoTime();
        JobClient job = env.executeAsync("pipeline-it");
        try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), new Properties(), "frames");
             TopicReader out = new TopicReader(kafka.bootstrapServers(), "predictions", true);
             TopicReader dlq = new TopicReader(kafka.bootstrapServers(), "dead-letters", true)) {
            frames = TestFrames.create(producer, 290);
            frames.sendAll(producer);
            int total = frames.total();
            ObjectMapper json = new ObjectMapper();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (predictions.size() + deadLetters.size() < total) {
                assertTrue(System.nanoTime() < deadline, "timed out: " + predictions.size() + " predictions + "
                        + deadLetters.size() + " dead letters of " + total);
                int seen = out.records().size() + dlq.records().size();
                out.drain(Duration.ofMillis(200));
                dlq.drain(Duration.ofMillis(200));
                if (out.records().size() + dlq.records().size() == seen) {
                    continue;
                }
                predictions.clear();
                deadLetters.clear();
                for (ConsumerRecord<byte[], byte[]> r : out.records()) {
                    JsonNode p = json.readTree(r.value());
                    predictions.put(p.get("frameId").asText(), p);
                }
                for (ConsumerRecord<byte[], byte[]> r : dlq.records()) {
                    deadLetters.put(header(r, "frame-id"), r);
                }
            }
            seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            // Records beyond the distinct frame ids are duplicates; look a little longer for late ones.
            out.drain(Duration.ofSeconds(1));
            dlq.drain(Duration.ofSeconds(1));
            duplicates = out.records().size() + dlq.records().size() - predictions.size() - deadLetters.size();
        } finally {
            job.cancel().get();
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyFrameComesOutExactlyOnce() {
        assertEquals(0, duplicates, "no frame twice");
        assertEquals(frames.good.keySet(), predictions.keySet(), "every good frame predicted");
        assertEquals(frames.bad.keySet(), deadLetters.keySet(), "every malformed frame dead-lettered");
        System.out.printf("pipeline IT: %d predictions + %d dead letters in %d s%n", predictions.size(),
                deadLetters.size(), seconds);
    }

    @Test
    void predictionsFollowTheWireFormat() {
        JsonNode p = predictions.values().iterator().next();
        for (String field : List.of("stream", "frameId", "label", "classIndex", "score", "topK", "model",
                "captureTs", "inferenceTs", "latencyMs", "batchSize")) {
            assertTrue(p.has(field), "field " + field + " in " + p);
        }
        assertEquals(3, p.get("topK").size());
        assertEquals(p.get("label").asText(), p.get("topK").get(0).get("label").asText());
        assertTrue(p.get("stream").asText().startsWith("cam-"));
        int maxBatch = predictions.values().stream().mapToInt(x -> x.get("batchSize").asInt()).max().orElse(0);
        assertTrue(maxBatch > 1 && maxBatch <= 16, "micro-batches formed: max batch " + maxBatch);
    }

    @Test
    void deadLettersKeepTheRecordAndSayWhy() {
        frames.bad.forEach((id, errorClass) -> {
            ConsumerRecord<byte[], byte[]> r = deadLetters.get(id);
            assertEquals(errorClass, header(r, "error-class"), id + ": " + header(r, "error"));
            String error = header(r, "error");
            assertTrue(error != null && !error.isBlank() && !error.contains("\n"), id + ": " + error);
            assertEquals("frames", header(r, "source-topic"));
            assertTrue(Integer.parseInt(header(r, "source-partition")) >= 0);
            assertTrue(Long.parseLong(header(r, "source-offset")) >= 0);
            assertEquals("cam-x", new String(r.key(), StandardCharsets.UTF_8));
        });
        assertEquals(null, deadLetters.get("bad-null").value(), "tombstone stays a tombstone");
        // 300,000 bytes: over the dead letters' default limit of 256 KiB, so a prefix with the original's size.
        ConsumerRecord<byte[], byte[]> tooLarge = deadLetters.get("bad-too-large");
        int kept = tooLarge.value().length;
        assertTrue(kept <= DeadLetterSerializer.DEFAULT_MAX_BYTES && kept > DeadLetterSerializer.DEFAULT_MAX_BYTES - 200,
                "a prefix filling the limit less key and headers: " + kept);
        assertArrayEquals(new byte[kept], tooLarge.value());
        assertEquals("value", header(tooLarge, "truncated"));
        assertEquals("300000", header(tooLarge, "original-size"));
        assertEquals(DeadLetterSerializer.sha256(new byte[300_000]), header(tooLarge, "original-sha256"));
        assertNull(deadLetters.get("bad-text").headers().lastHeader("truncated"), "small ones unchanged");
        assertArrayEquals("this is not an image".getBytes(StandardCharsets.UTF_8), deadLetters.get("bad-text").value());
    }

    @Test
    void shippedModelIsAccurateOnTheSample() {
        Map<String, String> labelled = new HashMap<>();
        frames.good.forEach((id, label) -> {
            if (label != null) {
                labelled.put(id, label);
            }
        });
        assumeTrue(Testdata.model().isPresent() && labelled.size() >= 50,
                "needs a trained model in testdata/models/ and >= 50 labelled images in "
                        + "testdata/fashion-mnist-sample/labels.csv (not shipped yet)");
        long correct = labelled.entrySet().stream().filter(e -> {
            JsonNode p = predictions.get(e.getKey());
            return TestFrames.matches(e.getValue(), p.get("label").asText(), p.get("classIndex").asInt());
        }).count();
        double accuracy = (double) correct / labelled.size();
        System.out.printf("pipeline IT: accuracy %.3f on %d sample frames (model %s)%n", accuracy,
                labelled.size(), model.getFileName());
        assertTrue(accuracy >= 0.9, "accuracy " + accuracy + " on " + labelled.size() + " frames");
    }
}
