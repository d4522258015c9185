package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.frames.BadFrames;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind in {@code testdata/bad-frames/} sent through Kafka and the whole job, interleaved with good
 * frames, with restarts switched off: one failure caused by a frame would fail the job (and this test).
 * Each record must come out exactly once, with its documented outcome (and, for the camera frames of
 * issue #12, the label of the sample they show); good frames are all classified.
 */
@Timeout(240)
class BadFramesPipelineTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path tmp;

    @Test
    void badFramesAreClassifiedOrDeadLetteredAndNeverFailTheJob() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TestFrames.createTopics(kafka.bootstrapServers());
            Path model = TestFrames.modelOrUntrained(tmp);
            JobClient job = startWithoutRestarts(StreamingJob.builder()
                    .setKafka(KafkaSettings.of(kafka.bootstrapServers()))
                    .setModel(model)
                    .optFrameLimits(new FrameLimits(DecoderSettings.DEFAULT_MAX_PIXELS, BadFrames.MAX_FRAME_BYTES))
                    .optBatching(new BatchingSettings(8, 20))
                    .optCheckpoints(CheckpointSettings.DEFAULT.withIntervalMs(1000))
                    .optParallelism(2), "bad-frames-test");
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), new Properties(), "frames");
                 TopicReader predictions = new TopicReader(kafka.bootstrapServers(), "predictions", true);
                 TopicReader deadLetters = new TopicReader(kafka.bootstrapServers(), "dead-letters", true)) {
                List<BadFrames.Row> rows = BadFrames.rows();
                Map<Integer, Future<RecordMetadata>> unnamed = new HashMap<>();
                List<String> goodIds = new ArrayList<>();
                int good = 0;
                for (int i = 0; i < rows.size(); i++) {
                    for (int k = 0; k < 3; k++, good++) { // three good frames before each bad one
                        int v = good;
                        goodIds.add("good-" + v);
                        producer.send("cam-" + (v % 2), "good-" + v, System.currentTimeMillis(),
                                TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y) & 0xff), "png"));
                    }
                    BadFrames.Row row = rows.get(i);
                    Future<RecordMetadata> sent = producer.sendRaw(row.key() == null ? null
                            : new String(row.key(), StandardCharsets.UTF_8), row.value(), row.kafkaHeaders());
                    if (row.frameId() == null) {
                        unnamed.put(i, sent);
                    }
                }
                producer.flush();
                // Expected outcome by frame id (records without a frame-id header get their coordinates).
                Map<String, BadFrames.Row> expected = new LinkedHashMap<>();
                for (int i = 0; i < rows.size(); i++) {
                    RecordMetadata m = unnamed.containsKey(i) ? unnamed.get(i).get() : null;
                    expected.put(m == null ? rows.get(i).frameId() : m.topic() + "-" + m.partition() + "-" + m.offset(),
                            rows.get(i));
                }
                int total = goodIds.size() + rows.size();
                awaitOutputs(job, predictions, deadLetters, total, Duration.ofSeconds(150));

                Map<String, String> outcome = new HashMap<>();
                Map<String, String> labels = new HashMap<>();
                List<String> twice = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : predictions.records()) {
                    if (outcome.put(header(r, "frame-id"), BadFrames.CLASSIFIED) != null) {
                        twice.add(header(r, "frame-id"));
                    }
                    labels.put(header(r, "frame-id"), JSON.readTree(r.value()).get("label").asText());
                }
                for (ConsumerRecord<byte[], byte[]> r : deadLetters.records()) {
                    String id = frameId(r);
                    if (outcome.put(id, header(r, "error-class")) != null) {
                        twice.add(id);
                    }
                    BadFrames.Row row = expected.get(id);
                    assertTrue(row != null, "dead letter for an unexpected frame " + id + ": " + header(r, "error"));
                    assertOriginalOrPrefix(id, row.value(), r);
                    assertTrue(!header(r, "error").isBlank(), id + " has a reason");
                }
                assertTrue(twice.isEmpty(), "frames seen twice: " + twice);
                goodIds.forEach(id -> assertEquals(BadFrames.CLASSIFIED, outcome.get(id), id));
                List<String> wrong = new ArrayList<>();
                boolean shippedModel = Testdata.model().map(model::equals).orElse(false);
                expected.forEach((id, row) -> {
                    if (!row.expected().equals(outcome.get(id))) {
                        wrong.add(row.file() + " (" + row.kind() + "): expected " + row.expected() + ", got "
                                + outcome.get(id));
                    } else if (row.label() != null && shippedModel && !row.label().equals(labels.get(id))) {
                        // A frame a viewer shows as the sample is classified as the sample.
                        wrong.add(row.file() + " (" + row.kind() + "): expected label " + row.label() + ", got "
                                + labels.get(id));
                    }
                });
                assertTrue(wrong.isEmpty(), String.join("\n", wrong));
                assertEquals(total, outcome.size(), "nothing else came out");
                System.out.printf("bad frames: %d kinds among %d good frames, all accounted for; job never failed%n",
                        rows.size(), goodIds.size());
            } finally {
                cancel(job);
            }
        }
    }

    /**
     * Builds the production job (Kafka source, decode, batcher, model, both Kafka sinks) on the test's
     * MiniCluster with restarts off, so that a single failure fails the job, and starts it.
     */
    static JobClient startWithoutRestarts(StreamingJob.Builder job, String name) throws Exception {
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return job.optDevice(DeviceSpec.CPU).optFlinkConfiguration(noRestarts).prepare().env()
                .executeAsync(name);
    }

    /**
     * Reads both output topics until {@code total} records came out, checking all along that the job is
     * still running (with restarts off, any failure ends it), then reads on a little to catch extras.
     */
    static void awaitOutputs(JobClient job, TopicReader predictions, TopicReader deadLetters, int total,
                             Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (predictions.records().size() + deadLetters.records().size() < total) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + predictions.records().size()
                    + " predictions + " + deadLetters.records().size() + " dead letters of " + total);
            assertRunning(job, "a frame failed the job");
            predictions.drain(Duration.ofMillis(300));
            deadLetters.drain(Duration.ofMillis(100));
        }
        predictions.drain(Duration.ofSeconds(1));
        deadLetters.drain(Duration.ofMillis(300));
        assertRunning(job, "the job never failed");
    }

    /** The job is running; otherwise fails with its status and the root cause of its failure. */
    static void assertRunning(JobClient job, String message) throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (status != JobStatus.RUNNING) {
            Throwable cause = null;
            try {
                job.getJobExecutionResult().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                cause = org.apache.flink.util.ExceptionUtils.stripExecutionException(e);
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
            }
            throw new AssertionError(message + ": job " + status + (cause == null ? "" : ", cause: " + cause), cause);
        }
    }

    /** Cancels the job unless it already ended (a failure must not be hidden behind the cancel's error). */
    static void cancel(JobClient job) throws Exception {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
            job.cancel().get();
        }
    }

    /**
     * A dead letter holds the original value, or (header {@code truncated}) a prefix of it with the
     * original's size and SHA-256 in {@code original-size} and {@code original-sha256}.
     */
    static void assertOriginalOrPrefix(String id, byte[] original, ConsumerRecord<byte[], byte[]> r) throws Exception {
        if (header(r, "truncated") == null) {
            assertArrayEquals(original, r.value(), id + ": original value kept");
            return;
        }
        byte[] kept = r.value();
        assertTrue(kept.length < original.length, id + ": " + kept.length + " of " + original.length + " bytes kept");
        assertArrayEquals(Arrays.copyOf(original, kept.length), kept, id + ": a prefix of the original");
        assertEquals(Integer.toString(original.length), header(r, "original-size"), id);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original)),
                header(r, "original-sha256"), id);
    }

    /** An output's frame id: its {@code frame-id} header, else (dead letters) the source coordinates. */
    static String frameId(ConsumerRecord<byte[], byte[]> r) {
        return header(r, "frame-id") != null ? header(r, "frame-id")
                : header(r, "source-topic") + "-" + header(r, "source-partition") + "-" + header(r, "source-offset");
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
