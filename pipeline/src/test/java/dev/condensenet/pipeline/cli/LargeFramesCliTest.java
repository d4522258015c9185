package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.frames.CameraFrames;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.TopicReader;
import dev.condensenet.pipeline.wire.Topics;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Kind 3 of issue #12: every frame the job accepts ({@code --max-frame-bytes}, 8 MiB) can be sent with
 * the project's own tools, and no send fails silently. A valid 4.3 MB 24-bit BMP and a 3000×2000 JPEG
 * over Kafka's 1 MiB default go through {@code broker} + {@code produce}, and through {@code demo};
 * to a topic with Kafka's default limit {@code produce} names each frame that was not written and exits 2.
 */
@Timeout(240)
class LargeFramesCliTest {
    @TempDir
    static Path tmp;
    static Path images;
    static Path model;
    static long bmpBytes;
    static long jpegBytes;

    @BeforeAll
    static void setUp() throws Exception {
        images = Files.createDirectories(tmp.resolve("camera"));
        byte[] bmp = TestImages.encode(CameraFrames.rgb(CameraFrames.sample(CameraFrames.TROUSER, 43)), "bmp");
        byte[] jpeg = CameraFrames.jpeg(CameraFrames.textured(3000, 2000, 5), 0.95f);
        bmpBytes = bmp.length;
        jpegBytes = jpeg.length;
        assertTrue(bmp.length > 4_300_000 && jpeg.length > 1_200_000, bmp.length + " / " + jpeg.length + " bytes");
        Files.write(images.resolve("a-1204x1204.bmp"), bmp);
        Files.write(images.resolve("b-3000x2000.jpg"), jpeg);
        Files.write(images.resolve("c-sample.png"), TestImages.encode(CameraFrames.sample(CameraFrames.TROUSER, 1), "png"));
        model = tmp.resolve("model");
        ModelDirectory.writeUntrained(model, "fmnist-26");
    }

    @Test
    void brokerTopicsTakeLargeFramesAndProduceSendsThem() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;
        // The broker command as a user starts it, in this JVM for 20 s.
        CompletableFuture<Integer> broker = CompletableFuture.supplyAsync(() -> new CommandLine(new BrokerCommand())
                .execute("--port", Integer.toString(port), "--stop-after-s", "20"));
        long started = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < started) { // until the broker listens (admin() refuses an address nobody answers)
            try (java.net.Socket probe = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (java.io.IOException notYet) {
                Thread.sleep(300);
            }
        }
        try (Admin admin = KafkaClients.admin(bootstrap, new Properties())) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            long limit = -1;
            while (limit < 0 && System.nanoTime() < deadline) {
                try {
                    KafkaClients.partitionCount(admin, Topics.FRAMES, Duration.ofSeconds(2));
                    limit = KafkaClients.maxMessageBytes(admin, Topics.FRAMES, Duration.ofSeconds(5)).orElse(-1);
                } catch (KafkaClients.KafkaSetupException notYet) {
                    Thread.sleep(300);
                }
            }
            assertEquals(DecoderSettings.DEFAULT_MAX_BYTES + 64 * 1024, limit, "frames topic's max.message.bytes");
            PipelineCliTest.Result r = PipelineCliTest.cli("produce", "--bootstrap-servers", bootstrap,
                    "--images", images.toString(), "--stream-id", "cam-big");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("sent 3 frames"), r.err());
            try (TopicReader reader = new TopicReader(bootstrap, Topics.FRAMES, false)) {
                var records = reader.waitFor(3, Duration.ofSeconds(30));
                assertEquals(java.util.stream.Stream.of(bmpBytes, jpegBytes).sorted().toList(), records.stream().map(x -> (long) x.value().length)
                        .filter(n -> n > 1 << 20).sorted().toList(), "both large frames are on the topic");
            }
        } finally {
            assertEquals(0, broker.get(), "broker exit code"); // stops after its 20 s
        }
    }

    @Test
    void framesTheTopicRefusesAreNamedAndTheExitCodeIs2() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of("small-frames", 1), (short) 1); // Kafka's default limit
            }
            PipelineCliTest.Result r = PipelineCliTest.cli("produce", "--bootstrap-servers", kafka.bootstrapServers(),
                    "--topic", "small-frames", "--images", images.toString());
            assertEquals(2, r.code(), r.err());
            List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
            assertEquals(3, errors.size(), r.err());
            assertTrue(errors.get(0).contains("a-1204x1204.bmp") && errors.get(0).contains("max.message.bytes"),
                    errors.get(0));
            assertTrue(errors.get(1).contains("b-3000x2000.jpg"), errors.get(1));
            assertTrue(errors.get(2).startsWith("error: 2 of 3 frames were not written to small-frames"), errors.get(2));
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "small-frames", false)) {
                assertEquals(1, reader.waitFor(1, Duration.ofSeconds(20)).size());
                assertEquals(1, reader.drain(Duration.ofMillis(500)).size(), "only the small frame was written");
            }
            // A producer limit below the frame: refused in the client, said so.
            r = PipelineCliTest.cli("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "small-frames",
                    "--images", images.toString(), "--max-frame-bytes", "100000", "--limit", "1");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("max.request.size"), r.err());
        }
    }

    @Test
    void demoCarriesLargeFramesToTheJob() throws Exception {
        PipelineCliTest.Result r = PipelineCliTest.cli("demo", "--model", model.toString(), "--images",
                images.toString(), "--json", "--max-batch", "4");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode s = new ObjectMapper().readTree(r.out().strip());
        assertEquals(3 + 6, s.get("framesSent").asInt(), "3 images + 6 malformed");
        assertEquals(3, s.get("predictions").asInt(), "the BMP and the JPEG are classified");
        assertEquals(0, s.get("notSent").asInt());
        assertTrue(s.get("accountedFor").asBoolean());
    }

    @Test
    void demoReportsFramesItCouldNotSend() throws Exception {
        // --max-frame-bytes 1 MiB: the topic takes 1 MiB + 64 KiB, so the 4.3 MB BMP cannot be written.
        PipelineCliTest.Result r = PipelineCliTest.cli("demo", "--model", model.toString(), "--images",
                images.toString(), "--json", "--max-frame-bytes", "1048576", "--limit", "1");
        assertEquals(2, r.code(), r.out() + r.err());
        JsonNode s = new ObjectMapper().readTree(r.out().strip());
        assertTrue(s.get("notSent").asInt() >= 1, "the BMP (and the malformed frames made from it)");
        assertTrue(!s.get("accountedFor").asBoolean());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("error: frame demo-") && l.contains("a-1204x1204.bmp")),
                r.err());
    }
}
