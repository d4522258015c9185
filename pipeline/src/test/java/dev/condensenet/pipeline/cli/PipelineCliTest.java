package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI as users call it: exit codes, one-line errors, help, and the demo end to end. */
@Timeout(180)
class PipelineCliTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path images;

    @BeforeAll
    static void setUp() throws Exception {
        model = tmp.resolve("model");
        ModelDirectory.writeUntrained(model, "fmnist-26");
        images = Files.createDirectories(tmp.resolve("images"));
        StringBuilder labels = new StringBuilder("file,label\n");
        for (int i = 0; i < 40; i++) {
            int v = i;
            Files.write(images.resolve(String.format("img-%03d.png", i)),
                    TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y * 3) & 0xff), "png"));
            labels.append(String.format("img-%03d.png,%d%n", i, i % 10));
        }
        Files.writeString(images.resolve("labels.csv"), labels);
    }

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        return capture(() -> PipelineCli.execute(args));
    }

    /** Runs a command line's {@code execute} with stdout and stderr captured. */
    static synchronized Result capture(java.util.function.IntSupplier main) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = main.getAsInt();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "run", "produce", "consume", "broker"})
    void everySubcommandHasHelp(String command) {
        Result r = cli(command, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: condensenet-pipeline " + command), r.out());
    }

    @Test
    void runHelpListsTheDocumentedFlags() {
        String help = cli("run", "--help").out();
        for (String flag : new String[] {"--bootstrap-servers", "--input-topic", "--output-topic", "--dlq-topic",
            "--model", "--max-batch", "--max-delay-ms", "--guarantee", "--checkpoint-interval", "--checkpoint-dir",
            "--parallelism", "--kafka-properties", "--device", "--threads", "--status-interval"}) {
            assertTrue(help.contains(flag), flag);
        }
    }

    @Test
    void missingModelIsExitCode2WithOneLine() {
        Result r = cli("run", "--bootstrap-servers", "127.0.0.1:1", "--model", tmp.resolve("nope").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: model directory"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void truncatedParametersAreExitCode2BeforeTheJobStarts() throws Exception {
        Path broken = Files.createDirectories(tmp.resolve("truncated"));
        Files.copy(model.resolve("config.json"), broken.resolve("config.json"));
        byte[] params = Files.readAllBytes(model.resolve(ModelDirectory.PARAMS_FILE));
        Files.write(broken.resolve(ModelDirectory.PARAMS_FILE), java.util.Arrays.copyOf(params, params.length / 2));
        Result r = cli("run", "--bootstrap-servers", "127.0.0.1:1", "--model", broken.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(ModelDirectory.PARAMS_FILE), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void unreachableBrokerIsExitCode2WithOneLine() throws Exception {
        Path props = Files.writeString(tmp.resolve("client.properties"),
                "request.timeout.ms=2000\ndefault.api.timeout.ms=3000\n");
        Result r = cli("run", "--bootstrap-servers", "127.0.0.1:1", "--model", model.toString(),
                "--kafka-properties", props.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void badFlagValuesAreUsageErrors() {
        assertEquals(2, cli("run", "--bootstrap-servers", "x:1", "--model", model.toString(), "--guarantee", "maybe").code());
        Result r = cli("run", "--bootstrap-servers", "x:1", "--model", model.toString(), "--max-batch", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-batch"), r.err());
    }

    @Test
    void producePublishesImagesAndIdxFrames() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of("frames", 1), (short) 1);
            }
            Result r = cli("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--images", images.toString(),
                    "--stream-id", "cam-7", "--limit", "25");
            assertEquals(0, r.code(), r.err());
            Path idx = tmp.resolve("three-idx3-ubyte");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(idx))) {
                out.writeInt(0x803);
                out.writeInt(3);
                out.writeInt(28);
                out.writeInt(28);
                out.write(new byte[3 * 28 * 28]);
            }
            r = cli("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--idx", idx.toString(),
                    "--stream-id", "idx", "--loop", "--limit", "7", "--fps", "50");
            assertEquals(0, r.code(), r.err());
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "frames", false)) {
                var records = reader.waitFor(32, Duration.ofSeconds(30));
                ConsumerRecord<byte[], byte[]> first = records.get(0);
                assertEquals("cam-7", new String(first.key(), StandardCharsets.UTF_8));
                assertEquals("cam-7-0", new String(first.headers().lastHeader("frame-id").value(), StandardCharsets.UTF_8));
                assertEquals("0", new String(first.headers().lastHeader("label").value(), StandardCharsets.UTF_8));
                assertTrue(Long.parseLong(new String(first.headers().lastHeader("capture-ts").value(),
                        StandardCharsets.UTF_8)) > 0);
                assertEquals(7, records.stream().filter(x -> new String(x.key(), StandardCharsets.UTF_8).equals("idx")).count());
                assertEquals(32, reader.drain(Duration.ofMillis(500)).size());
            }
            Result missingTopic = cli("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "nope",
                    "--images", images.toString());
            assertEquals(2, missingTopic.code());
            assertTrue(missingTopic.err().contains("nope"), missingTopic.err());
        }
    }

    @Test
    void demoAccountsForEveryFrame() throws Exception {
        Result r = cli("demo", "--model", model.toString(), "--images", images.toString(), "--json",
                "--max-batch", "8");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode s = new ObjectMapper().readTree(r.out().strip());
        assertEquals(46, s.get("framesSent").asInt(), "40 images + 6 malformed");
        assertEquals(40, s.get("predictions").asInt());
        assertEquals(6, s.get("deadLettered").asInt());
        assertTrue(s.get("accuracy").isNumber(), "labels.csv was read");
        assertTrue(s.get("throughputFps").asDouble() > 0);
        assertTrue(s.get("meanBatchSize").asDouble() >= 1 && s.get("meanBatchSize").asDouble() <= 8);
        assertTrue(s.get("latencyP99Ms").asLong() >= s.get("latencyP50Ms").asLong());
        // The check before the job and both subtasks (parallelism 2) share one load of the model.
        assertEquals(1, s.get("modelLoads").asInt(), r.out());
    }

    @Test
    void demoRunsAsManySubtasksAsParallelismSays() throws Exception {
        // The ONNX Runtime engine opens one session per subtask (no shared load), so the loads count subtasks.
        Result r = cli("demo", "--model", model.toString(), "--images", images.toString(), "--json",
                "--engine", "onnxruntime", "--parallelism", "3", "--threads", "2", "--limit", "12");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode s = new ObjectMapper().readTree(r.out().strip());
        assertEquals(12, s.get("predictions").asInt());
        assertEquals(3, s.get("modelLoads").asInt(), "one per subtask of --parallelism 3: " + r.out());
    }
}
