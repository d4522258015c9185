package dev.condensenet.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.cli.JobOptions;
import dev.condensenet.pipeline.cli.PipelineCli;
import dev.condensenet.pipeline.frames.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A broker that only accepts SASL/PLAIN logins: with {@code --kafka-properties} holding the right
 * credentials, {@code produce} and the exactly-once job (source consumer and its admin client, both
 * transactional sinks) all work, so the settings reached every client; a client without them gets
 * nothing, and wrong credentials are a one-line error with exit code 2.
 */
@Timeout(180)
class SaslTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @TempDir
    Path tmp;

    @Test
    void credentialsReachEveryClientAndWrongOnesFailClearly() throws Exception {
        Map<String, String> users = new LinkedHashMap<>();
        users.put("broker", "broker-secret");
        users.put("camera-app", "s3cret");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Files.createDirectories(tmp.resolve("kafka")), 0, 0, true, users)) {
            String bootstrap = kafka.bootstrapServers();
            Properties right = EmbeddedKafka.saslPlainClient("camera-app", "s3cret");
            Path rightFile = store(right, tmp.resolve("right.properties"));
            Path wrongFile = store(EmbeddedKafka.saslPlainClient("camera-app", "guess"), tmp.resolve("wrong.properties"));
            try (Admin admin = KafkaClients.admin(bootstrap, right)) {
                KafkaClients.ensureTopics(admin, Map.of("frames", 1, "predictions", 1, "dead-letters", 1), (short) 1);
            }
            try (Admin anonymous = KafkaClients.admin(bootstrap, new Properties())) {
                assertThrows(KafkaClients.KafkaSetupException.class,
                        () -> KafkaClients.partitionCount(anonymous, "frames", Duration.ofSeconds(3)),
                        "a client without the settings gets nothing from this broker");
            }
            Path model = tmp.resolve("model");
            ModelDirectory.writeUntrained(model, "fmnist-26");
            Path images = Files.createDirectories(tmp.resolve("images"));
            for (int i = 0; i < 12; i++) {
                int v = i;
                Files.write(images.resolve("img-" + i + ".png"),
                        TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y) & 0xff), "png"));
            }

            String[] wrongRun = {"run", "--bootstrap-servers", bootstrap, "--model", model.toString(),
                "--kafka-properties", wrongFile.toString()};
            String[] wrongProduce = {"produce", "--bootstrap-servers", bootstrap, "--images", images.toString(),
                "--kafka-properties", wrongFile.toString()};
            for (String[] args : new String[][] {wrongRun, wrongProduce}) {
                Captured r = cli(args);
                assertEquals(2, r.code, args[0] + ": " + r.err);
                assertTrue(r.err.startsWith("error: ") && r.err.contains("Authentication failed"), args[0] + ": " + r.err);
                assertEquals(1, r.err.strip().lines().count(), args[0] + ": " + r.err);
            }

            // The job's flags as a user gives them: --kafka-properties must reach every client of the job.
            JobOptions o = new JobOptions();
            new CommandLine(o).parseArgs("--bootstrap-servers", bootstrap, "--model", model.toString(),
                    "--device", "cpu", "--kafka-properties", rightFile.toString(), "--guarantee", "exactly-once",
                    "--checkpoint-interval", "1000", "--transactional-id-prefix", "sasl-test");
            JobClient job = o.toBuilder().prepare().env().executeAsync("sasl-test");
            try (TopicReader predictions = new TopicReader(bootstrap, "predictions", true, right);
                 TopicReader deadLetters = new TopicReader(bootstrap, "dead-letters", true, right)) {
                Captured produced = cli("produce", "--bootstrap-servers", bootstrap, "--images", images.toString(),
                        "--stream-id", "sasl-cam", "--kafka-properties", rightFile.toString());
                assertEquals(0, produced.code, produced.err);
                try (FrameProducer p = new FrameProducer(bootstrap, right, "frames")) {
                    p.send("sasl-cam", "not-an-image", System.currentTimeMillis(), "junk".getBytes(StandardCharsets.UTF_8));
                }
                assertEquals(12, predictions.waitFor(12, Duration.ofSeconds(90)).size());
                assertEquals(1, deadLetters.waitFor(1, Duration.ofSeconds(30)).size(), "the dead-letter sink authenticated too");
            } finally {
                job.cancel().get();
            }
        }
    }

    record Captured(int code, String err) {}

    /** The CLI with stderr captured (stdout is dropped: produce draws progress there). */
    static synchronized Captured cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = PipelineCli.execute(args);
            return new Captured(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path store(Properties p, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        return file;
    }
}
