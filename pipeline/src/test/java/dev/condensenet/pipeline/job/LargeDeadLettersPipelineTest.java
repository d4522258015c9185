package dev.condensenet.pipeline.job;

import static dev.condensenet.pipeline.job.BadFramesPipelineTest.awaitOutputs;
import static dev.condensenet.pipeline.job.BadFramesPipelineTest.frameId;
import static dev.condensenet.pipeline.job.BadFramesPipelineTest.header;
import static dev.condensenet.pipeline.job.BadFramesPipelineTest.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.TopicReader;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records larger than a Kafka message (1 MiB by default) but accepted by the input topic, under and over
 * {@code --max-frame-bytes}, among good frames, through Kafka and the whole job with restarts off. Before
 * dead letters were bounded, the first such dead letter failed the sink (RecordTooLargeException) and with
 * it the job. The dead-letter topic keeps Kafka's default {@code max.message.bytes}.
 */
@Timeout(120)
class LargeDeadLettersPipelineTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path tmp;

    /** A large record: its value and the outcome it must get (an error class, or "CLASSIFIED"). */
    private record Big(String id, byte[] value, String expected, RecordHeaders extraHeaders) {}

    @Test
    void largeRecordsAreDeadLetteredWithABoundedPrefixAndNeverFailTheJob() throws Exception {
        long start = System.nanoTime();
        Random random = new Random(7);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            Path model = TestFrames.modelOrUntrained(tmp);
            assertEquals(DecoderSettings.DEFAULT_MAX_BYTES, FrameLimits.DEFAULT.maxFrameBytes(),
                    "the production limit of 8 MiB");
            int limit = settings.deadLetterMaxBytes();
            assertEquals(256 * 1024, limit, "default --dead-letter-max-bytes");
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                // The input topic accepts records up to 16 MiB; the outputs keep the broker's defaults.
                admin.createTopics(List.of(
                        new NewTopic("frames", 2, (short) 1)
                                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 * MIB))),
                        new NewTopic("predictions", 1, (short) 1),
                        new NewTopic("dead-letters", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                long dlqMax = KafkaClients.maxMessageBytes(admin, "dead-letters", Duration.ofSeconds(10)).orElseThrow();
                assertTrue(dlqMax < 1100 * 1024, "dead-letter topic at Kafka's default limit: " + dlqMax);
            }
            badLimitsAreSetupErrors(settings, model);

            List<Big> bigs = bigRecords(random);
            JobClient job = startWithoutRestarts(StreamingJob.builder().setKafka(settings).setModel(model)
                    .optBatching(new BatchingSettings(8, 20))
                    .optCheckpoints(CheckpointSettings.DEFAULT.withIntervalMs(1000))
                    .optParallelism(2), "large-dead-letters-test");
            Properties bigRequests = new Properties();
            bigRequests.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * MIB));
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), bigRequests, "frames");
                 TopicReader predictions = new TopicReader(kafka.bootstrapServers(), "predictions", true);
                 TopicReader deadLetters = new TopicReader(kafka.bootstrapServers(), "dead-letters", true)) {
                Map<String, String> expected = new LinkedHashMap<>();
                Map<String, byte[]> originals = new HashMap<>();
                int good = 0;
                for (Big big : bigs) {
                    for (int k = 0; k < 4; k++, good++) { // good frames around every large one
                        int v = good;
                        expected.put("good-" + v, "CLASSIFIED");
                        producer.send("cam-" + (v % 2), "good-" + v, System.currentTimeMillis(),
                                TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y) & 0xff), "png"));
                    }
                    expected.put(big.id(), big.expected());
                    originals.put(big.id(), big.value());
                    RecordHeaders h = new RecordHeaders();
                    h.add("frame-id", big.id().getBytes(StandardCharsets.UTF_8));
                    big.extraHeaders().forEach(h::add);
                    producer.sendRaw("cam-" + (good % 2), big.value(), h).get(30, TimeUnit.SECONDS);
                }
                producer.flush();
                awaitOutputs(job, predictions, deadLetters, expected.size(), Duration.ofSeconds(60));

                Map<String, String> outcome = new HashMap<>();
                List<String> twice = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : predictions.records()) {
                    if (outcome.put(header(r, "frame-id"), "CLASSIFIED") != null) {
                        twice.add(header(r, "frame-id"));
                    }
                }
                int truncated = 0;
                for (ConsumerRecord<byte[], byte[]> r : deadLetters.records()) {
                    String id = frameId(r);
                    if (outcome.put(id, header(r, "error-class")) != null) {
                        twice.add(id);
                    }
                    byte[] original = originals.get(id);
                    assertTrue(original != null, "dead letter for an unexpected frame " + id + ": " + header(r, "error"));
                    checkTruncated(id, r, original, limit);
                    truncated++;
                }
                assertTrue(twice.isEmpty(), "frames seen twice: " + twice);
                assertEquals(expected, outcome, "each record exactly once with its outcome");
                System.out.printf("large records: %d (%s) among %d good frames, each exactly once; %d dead letters "
                                + "cut to <= %d bytes; job never failed; %.1f s%n", bigs.size(),
                        bigs.stream().map(b -> b.id() + "=" + b.value().length).toList(), good, truncated, limit,
                        (System.nanoTime() - start) / 1e9);
            } finally {
                BadFramesPipelineTest.cancel(job);
            }
        }
    }

    /** Sizes 1.5 and 3 MiB (over a Kafka message, under --max-frame-bytes) and 9 MiB (over it). */
    private static List<Big> bigRecords(Random random) {
        List<Big> bigs = new ArrayList<>();
        byte[] noisyPng = noisyPng(random); // ~3 MiB: a valid image, larger than a Kafka message
        assertTrue(noisyPng.length > 2 * MIB && noisyPng.length < 8 * MIB, "noisy PNG " + noisyPng.length);
        bigs.add(new Big("big-valid-png", noisyPng, "CLASSIFIED", new RecordHeaders()));
        bigs.add(new Big("big-truncated-png-1.5m", Arrays.copyOf(noisyPng, 3 * MIB / 2), "CORRUPT", new RecordHeaders()));
        // A valid PNG signature and IHDR, then garbage.
        byte[] header = Arrays.copyOf(TestImages.pngHeaderOnly(1000, 1000), 33);
        byte[] pngGarbage = junk(random, 3 * MIB);
        System.arraycopy(header, 0, pngGarbage, 0, header.length);
        bigs.add(new Big("big-png-header-garbage-3m", pngGarbage, "CORRUPT", new RecordHeaders()));
        bigs.add(new Big("big-junk-1.5m", junk(random, 3 * MIB / 2), "UNKNOWN_FORMAT", new RecordHeaders()));
        bigs.add(new Big("big-junk-3m", junk(random, 3 * MIB), "UNKNOWN_FORMAT", new RecordHeaders()));
        bigs.add(new Big("over-max-frame-bytes-9m", junk(random, 9 * MIB), "TOO_LARGE", new RecordHeaders()));
        // Headers alone over the dead-letter limit: they are dropped, frame-id (small, first) is kept.
        RecordHeaders huge = new RecordHeaders();
        huge.add("x-huge", junk(random, 400 * 1024));
        huge.add("x-small", new byte[] {1, 2, 3});
        bigs.add(new Big("big-headers-1.5m", junk(random, 3 * MIB / 2), "UNKNOWN_FORMAT", huge));
        return bigs;
    }

    /** The dead letter holds a prefix of the original, within the limit, with size and hash of the whole. */
    private static void checkTruncated(String id, ConsumerRecord<byte[], byte[]> r, byte[] original, int limit)
            throws Exception {
        assertTrue(header(r, "truncated") != null, id + ": marked truncated");
        BadFramesPipelineTest.assertOriginalOrPrefix(id, original, r);
        byte[] kept = r.value();
        assertTrue(kept.length > 0 && kept.length <= limit, id + ": " + kept.length + " bytes kept");
        assertEquals(id, header(r, "frame-id"), id + ": frame-id kept");
        assertTrue(r.serializedKeySize() + r.serializedValueSize() < limit + 4096, id);
        if (id.startsWith("big-headers")) {
            assertEquals("value,headers", header(r, "truncated"), id);
            assertNull(r.headers().lastHeader("x-huge"), id + ": the header over the limit is dropped");
            assertArrayEquals(new byte[] {1, 2, 3}, r.headers().lastHeader("x-small").value(), id + ": small ones kept");
            assertTrue(kept.length < limit - 16, id + ": the headers kept count against the limit");
        } else {
            assertEquals("value", header(r, "truncated"), id);
            assertTrue(kept.length > limit - 100, id + ": the value fills what the key and headers left");
        }
        assertTrue(!header(r, "error").isBlank(), id + " has a reason");
    }

    /** Settings under which a dead letter could not be written are refused before the job starts. */
    private static void badLimitsAreSetupErrors(KafkaSettings base, Path model) {
        // + its headers over the producer's default max.request.size of 1 MiB
        KafkaSettings big = base.withDeadLetterMaxBytes(MIB);
        String producer = assertThrows(StreamingJob.SetupException.class,
                () -> StreamingJob.builder().setKafka(big).setModel(model).prepare()).getMessage();
        assertTrue(producer.contains("max.request.size 1048576"), producer);
        Properties bigRequests = new Properties();
        bigRequests.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * MIB));
        String topic = assertThrows(StreamingJob.SetupException.class,
                () -> StreamingJob.builder().setKafka(big.withClient(bigRequests)).setModel(model).prepare())
                .getMessage();
        assertTrue(topic.contains("max.message.bytes") && topic.contains("dead-letters"), topic);
    }

    private static byte[] noisyPng(Random random) {
        BufferedImage img = new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return TestImages.encode(img, "png");
    }

    private static byte[] junk(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
