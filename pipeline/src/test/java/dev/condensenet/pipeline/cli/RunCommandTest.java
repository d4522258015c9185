package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} against a real broker, as a user would start it: frames in, predictions and dead letters
 * out, and the {@code condensenet} metrics visible to Prometheus.
 */
class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(150)
    void runClassifiesFramesAndExportsMetrics() throws Exception {
        Path model = tmp.resolve("model");
        ModelDirectory.writeUntrained(model, "fmnist-26");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of("frames", 2, "predictions", 1, "dead-letters", 1), (short) 1);
            }
            PrintStream stderr = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(new TeeOutputStream(stderr, err), true, StandardCharsets.UTF_8));
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> PipelineCli.execute("run",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--model", model.toString(),
                    "--device", "cpu", "--max-batch", "4", "--prometheus-port", Integer.toString(port),
                    "--stop-after-s", "25", "--status-interval", "2"));
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), new Properties(), "frames");
                 TopicReader out = new TopicReader(kafka.bootstrapServers(), "predictions", false);
                 TopicReader dlq = new TopicReader(kafka.bootstrapServers(), "dead-letters", false)) {
                for (int i = 0; i < 30; i++) {
                    int v = i;
                    byte[] value = i % 15 == 7 ? new byte[] {1, 2, 3}
                            : TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x + v) & 0xff), "png");
                    producer.send("cam-" + (i % 2), "r" + i, System.currentTimeMillis(), value);
                }
                producer.flush();
                out.waitFor(28, Duration.ofSeconds(60));
                dlq.waitFor(2, Duration.ofSeconds(30));
                String metrics = scrapeUntil(port, "condensenet_predictions", 28, Duration.ofSeconds(30));
                assertEquals(30, sum(metrics, "condensenet_framesIn"));
                assertEquals(28, sum(metrics, "condensenet_predictions"));
                assertEquals(2, sum(metrics, "condensenet_deadLettered"));
                long flushes = sum(metrics, "condensenet_flushSize") + sum(metrics, "condensenet_flushTimer")
                        + sum(metrics, "condensenet_flushBarrier") + sum(metrics, "condensenet_flushEnd");
                assertEquals(sum(metrics, "condensenet_batches"), flushes, "every batch has one flush reason");
                assertTrue(metrics.contains("condensenet_latencyMs"), "latency histogram exported");
                assertTrue(metrics.contains("condensenet_predictionsPerSecond"), "throughput meter exported");
            }
            try {
                assertEquals(0, run.get(90, TimeUnit.SECONDS), "run stops cleanly after --stop-after-s");
            } finally {
                System.setErr(stderr);
            }
            // every 2 s a status line from the job's own metrics; once all frames are through, their totals
            Pattern status = Pattern.compile("^status: (\\d+) frames in, (\\d+) predictions, (\\d+) dead letters, "
                    + "[0-9.]+ frames/s, mean batch (-|[0-9.]+), p99 latency (-|\\d+ ms)$", Pattern.MULTILINE);
            Matcher m = status.matcher(err.toString(StandardCharsets.UTF_8));
            java.util.List<String> totals = new java.util.ArrayList<>();
            while (m.find()) {
                totals.add(m.group(1) + "/" + m.group(2) + "/" + m.group(3));
            }
            assertTrue(totals.size() >= 3, "status lines every 2 s:\n" + err);
            assertTrue(totals.contains("30/28/2"), "frames in/predictions/dead letters once all are through: " + totals);
        }
    }

    /** Writes to both streams: the run's stderr is checked and still shown in the test report. */
    static final class TeeOutputStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeOutputStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    /** Sums a counter over all subtasks in Prometheus text format. */
    static long sum(String metrics, String name) {
        Matcher m = Pattern.compile("^\\S*" + name + "\\{[^}]*\\}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return Math.round(total);
    }

    static String scrapeUntil(int port, String name, long expected, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                if (sum(body, name) >= expected) {
                    return body;
                }
            } catch (java.io.IOException e) {
                // reporter not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("metric " + name + " did not reach " + expected + "; last scrape:\n"
                + body.lines().filter(l -> l.contains("condensenet")).reduce("", (a, b) -> a + b + "\n"));
    }
}
