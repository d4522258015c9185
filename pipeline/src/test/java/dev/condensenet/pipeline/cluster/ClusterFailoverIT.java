package dev.condensenet.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.TopicReader;
import dev.condensenet.pipeline.model.BadModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The job jar on a real multi-process Flink session cluster (JobManager + TaskManagers as separate JVMs,
 * submitted with {@code flink run}), against a Kafka broker in this JVM:
 *
 * <ol>
 *   <li>exactly-once job; {@code kill -9} of a TaskManager running it mid-stream, a replacement started:
 *       the job restores its last checkpoint, and a read_committed consumer sees every frame exactly once;
 *   <li>the broker stopped and restarted mid-stream: the job rides it out, still exactly once;
 *   <li>a second job (at-least-once, {@code --engine onnxruntime}) on the TaskManagers that already ran the
 *       first: it starts (libtorch, which still reads the parameters, is loaded once, parent-first, not per
 *       job classloader; ONNX Runtime, in the job jar, unpacks its natives per classloader); after another
 *       {@code kill -9} every frame still arrives at least once;
 *   <li>a job with truncated parameters fails at once without restarts, naming the file; a missing model
 *       directory is refused by {@code flink run} with one line and exit code 2;
 *   <li>another ONNX Runtime job on TaskManagers whose JVMs ran the second one: ONNX Runtime loads again
 *       in the new job's classloader and classifies every frame.
 * </ol>
 *
 * Runs in the integration-test phase (after package built the job jar); see pipeline/pom.xml.
 */
@EnabledIfSystemProperty(named = "condensenet.phase", matches = "integration-test",
        disabledReason = "needs the job jar: runs in the integration-test phase of mvn verify")
@Timeout(480)
class ClusterFailoverIT {
    static final Path JOB_JAR = Path.of("target", "condensenet-pipeline-job.jar");

    @Test
    void survivesTaskManagerKillBrokerRestartAndASecondJob() throws Exception {
        // Not a @TempDir: the processes' logs stay in target/ for a look after a failure (CI artifacts).
        Path tmp = FlinkProcessCluster.emptyDir(Path.of("target", "cluster-it").toAbsolutePath());
        assertTrue(Files.isRegularFile(JOB_JAR), JOB_JAR.toAbsolutePath() + " (built by the package phase)");
        Path model = tmp.resolve("untrained-fmnist-26");
        ModelDirectory.writeUntrained(model, "fmnist-26");
        EmbeddedKafka kafka = EmbeddedKafka.start(Files.createDirectories(tmp.resolve("kafka")), 0, 0, false, null);
        try (FlinkProcessCluster flink = FlinkProcessCluster.start(tmp.resolve("flink"), 1)) {
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of("frames", 2, "predictions", 1, "dead-letters", 1,
                        "frames-2", 2, "predictions-2", 1, "dead-letters-2", 1, "predictions-4", 1,
                        "dead-letters-4", 1), (short) 1);
            }
            flink.startTaskManager("tm-1");
            flink.startTaskManager("tm-2");
            flink.awaitTaskManagers(Duration.ofSeconds(90), "tm-1", "tm-2");
            String bootstrap = kafka.bootstrapServers();

            String job1 = flink.submit(JOB_JAR.toAbsolutePath(), List.of("--bootstrap-servers", bootstrap,
                    "--model", model.toString(), "--guarantee", "exactly-once", "--checkpoint-interval", "2000",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(), "--restart-delay-ms", "1000",
                    "--max-batch", "8", "--parallelism", "2", "--transactional-id-prefix", "cluster-eo"));
            flink.awaitAllTasksRunning(job1, Duration.ofSeconds(120));

            try (FrameProducer producer = new FrameProducer(bootstrap, producerProps(), "frames");
                 Outputs out = new Outputs(bootstrap, "predictions", "dead-letters")) {
                // Phase 1: output is committed, so there is a checkpoint to return to.
                send(producer, "a", 0, 60, 0);
                out.awaitFrames(60, Duration.ofSeconds(90));

                // Phase 2: kill -9 a TaskManager running the job while frames stream in.
                CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> send(producer, "b", 0, 90, 20));
                Thread.sleep(1500);
                List<String> running = flink.taskManagersOf(job1);
                assertEquals(2, running.size(), "one subtask per TaskManager: " + running);
                assertEquals(-1, restoredCheckpoint(flink, job1), "nothing restored before the kill");
                long lastCompleted = flink.checkpoints(job1).path("latest").path("completed").path("id").asLong(-1);
                assertTrue(lastCompleted > 0, "a checkpoint completed before the kill");
                long killedAt = System.nanoTime();
                flink.jvm("tm-1").kill();
                flink.startTaskManager("tm-3");
                flink.await(Duration.ofSeconds(90), "job restored", () -> restoredCheckpoint(flink, job1) > 0);
                flink.awaitAllTasksRunning(job1, Duration.ofSeconds(90));
                long recoverySeconds = (System.nanoTime() - killedAt) / 1_000_000_000L;
                streaming.get();
                flink.awaitTaskManagers(Duration.ofSeconds(60), "tm-2", "tm-3");
                out.awaitFrames(150, Duration.ofSeconds(150));
                long restored = restoredCheckpoint(flink, job1);
                // The latest checkpoint at the kill, or one that completed in the moment before it.
                assertTrue(restored >= lastCompleted, "restored checkpoint " + restored + ", but " + lastCompleted
                        + " had completed before the kill: " + flink.checkpoints(job1).get("latest"));
                System.out.printf("TaskManager tm-1 killed; job restored checkpoint %d (latest completed before the "
                        + "kill: %d), running again after %d s on %s%n", restored, lastCompleted, recoverySeconds,
                        flink.taskManagersOf(job1));

                int failuresBefore = failures(flink, job1);

                // Phase 3: the broker goes away mid-stream and comes back on the same port and data.
                streaming = CompletableFuture.runAsync(() -> send(producer, "c", 0, 90, 30));
                Thread.sleep(1000);
                kafka = kafka.restart(Duration.ofSeconds(3));
                streaming.get();
                out.awaitFrames(240, Duration.ofSeconds(180));
                out.drain(Duration.ofSeconds(5)); // a late duplicate would show here

                out.assertEachFrameExactlyOnce(expectedIds(Map.of("a", 60, "b", 90, "c", 90)));
                assertEquals("RUNNING", flink.jobState(job1));
                System.out.printf("exactly-once on the cluster: %s; job failures: %d after the kill, %d more "
                        + "during the broker restart%n", out.summary(), failuresBefore, failures(flink, job1) - failuresBefore);
            }

            // A second job on TaskManagers that already loaded libtorch for the first one, served by ONNX Runtime
            // (its classes and natives come with the job jar).
            List<String> hosts = flink.taskManagersOf(job1);
            flink.cancel(job1);
            String job2 = flink.submit(JOB_JAR.toAbsolutePath(), List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--model", model.toString(), "--guarantee", "at-least-once", "--input-topic", "frames-2",
                    "--output-topic", "predictions-2", "--dlq-topic", "dead-letters-2", "--max-batch", "8",
                    "--parallelism", "2", "--restart-delay-ms", "1000", "--checkpoint-interval", "2000",
                    "--engine", "onnxruntime"));
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), producerProps(), "frames-2");
                 Outputs out = new Outputs(kafka.bootstrapServers(), "predictions-2", "dead-letters-2")) {
                send(producer, "d", 0, 40, 0);
                out.awaitFrames(40, Duration.ofSeconds(120));
                assertEquals(hosts.stream().sorted().toList(), flink.taskManagersOf(job2).stream().sorted().toList(),
                        "the second job runs on the TaskManagers the first one used");
                assertEquals(0, failures(flink, job2), "the second job started cleanly: " + flink.exceptions(job2));

                // At-least-once through a kill -9 as well: replays may duplicate, nothing may be lost.
                CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> send(producer, "d", 40, 100, 20));
                Thread.sleep(1000);
                flink.jvm(hosts.get(0)).kill();
                flink.startTaskManager("tm-4");
                streaming.get();
                out.awaitFrames(100, Duration.ofSeconds(150));
                out.drain(Duration.ofSeconds(3));
                out.assertEachFrameAtLeastOnce(expectedIds(Map.of("d", 100)));
                assertEquals("RUNNING", flink.jobState(job2));
                System.out.printf("at-least-once on the cluster: %s for 100 frames after killing %s%n", out.summary(),
                        hosts.get(0));
            }

            // Where the second job ran (and loaded ONNX Runtime), read while it runs ("(unassigned)" stands for
            // an attempt without a TaskManager and matches none).
            List<String> ortHosts = flink.taskManagersOf(job2);
            // A model the client cannot judge (it reads config.json only): the job fails at once, no restarts.
            flink.cancel(job2);
            Path truncated = BadModels.TRUNCATED_PARAMETERS.create(model, tmp);
            String job3 = flink.submit(JOB_JAR.toAbsolutePath(), List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--model", truncated.toString(), "--restart-delay-ms", "120000", "--parallelism", "1"));
            flink.awaitJobState(job3, "FAILED", Duration.ofSeconds(60)); // a restart would wait 120 s first
            String trace = flink.exceptions(job3).path("exceptionHistory").path("entries").get(0).path("stacktrace").asText();
            assertTrue(trace.contains("SuppressRestartsException") && trace.contains(BadModels.TRUNCATED_PARAMETERS.message),
                    "fails without restarts, saying which file: " + trace);
            // What the client can judge is refused before submission: one line, exit code 2.
            FlinkProcessCluster.ClientResult missing = flink.flinkRun(JOB_JAR.toAbsolutePath(), List.of(
                    "--bootstrap-servers", kafka.bootstrapServers(), "--model", tmp.resolve("no-such-model").toString()),
                    Duration.ofSeconds(120));
            assertEquals(2, missing.exitCode(), missing.output());
            assertTrue(missing.output().contains("error: model directory " + tmp.resolve("no-such-model")
                    + " does not exist"), missing.output());

            // ONNX Runtime once more, in a new job classloader on JVMs where the second job already loaded it.
            String job4 = flink.submit(JOB_JAR.toAbsolutePath(), List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--model", model.toString(), "--input-topic", "frames-2", "--output-topic", "predictions-4",
                    "--dlq-topic", "dead-letters-4", "--group-id", "cluster-job4", "--max-batch", "8",
                    "--parallelism", "2", "--engine", "onnxruntime"));
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), producerProps(), "frames-2");
                 Outputs out = new Outputs(kafka.bootstrapServers(), "predictions-4", "dead-letters-4")) {
                send(producer, "e", 0, 20, 0); // after the 100 "d" frames, which this new group reads too
                out.awaitFrames(120, Duration.ofSeconds(120));
                out.drain(Duration.ofSeconds(2));
                out.assertEachFrameAtLeastOnce(expectedIds(Map.of("d", 100, "e", 20)));
                // Where the slots fall is the scheduler's choice; what matters is that the fourth job runs on at
                // least one TaskManager JVM where the second one had loaded ONNX Runtime.
                List<String> job4Hosts = flink.taskManagersOf(job4);
                assertTrue(job4Hosts.stream().anyMatch(ortHosts::contains), "the fourth job runs on " + job4Hosts
                        + ", none of them where the second one loaded ONNX Runtime: " + ortHosts);
                assertEquals(0, failures(flink, job4), "ONNX Runtime loaded again cleanly: " + flink.exceptions(job4));
            }
            flink.cancel(job4);
            String logs = flink.taskManagerLogs();
            assertFalse(logs.contains("already loaded in another classloader"), "libtorch loaded once per JVM");
            assertFalse(logs.contains("UnsatisfiedLinkError"), "no native library errors on the TaskManagers");
        } finally {
            kafka.close();
        }
    }

    /** Frames {@code <prefix>-<i>}: small PNGs, every tenth malformed (dead-lettered). */
    static void send(FrameProducer producer, String prefix, int from, int to, int fps) {
        for (int i = from; i < to; i++) {
            int v = i;
            byte[] value = i % 10 == 9 ? ("garbage " + i).getBytes(StandardCharsets.UTF_8)
                    : TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y * 3) & 0xff), "png");
            producer.send("cam-" + (i % 3), prefix + "-" + i, System.currentTimeMillis(), value);
            if (fps > 0) {
                try {
                    Thread.sleep(1000 / fps);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        producer.flush();
    }

    static List<String> expectedIds(Map<String, Integer> counts) {
        List<String> ids = new ArrayList<>();
        counts.forEach((prefix, n) -> {
            for (int i = 0; i < n; i++) {
                ids.add(prefix + "-" + i);
            }
        });
        return ids;
    }

    /** Producer that keeps retrying through a broker restart (the frames' source must not lose them). */
    static Properties producerProps() {
        Properties p = new Properties();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("delivery.timeout.ms", "120000");
        return p;
    }

    static long restoredCheckpoint(FlinkProcessCluster flink, String job) {
        JsonNode restored = flink.checkpoints(job).path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull() ? -1 : restored.path("id").asLong(-1);
    }

    /** How often the job failed (and restarted) so far. */
    static int failures(FlinkProcessCluster flink, String job) {
        return flink.exceptions(job).path("exceptionHistory").path("entries").size();
    }

    /** read_committed readers of both output topics, counting frame ids. */
    static final class Outputs implements AutoCloseable {
        final TopicReader predictions;
        final TopicReader deadLetters;

        Outputs(String bootstrap, String predictionTopic, String dlqTopic) {
            predictions = new TopicReader(bootstrap, predictionTopic, true);
            deadLetters = new TopicReader(bootstrap, dlqTopic, true);
        }

        void awaitFrames(int n, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (predictions.records().size() + deadLetters.records().size() < n) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("timed out waiting for " + n + " outputs; " + summary());
                }
                predictions.drain(Duration.ofMillis(300));
                deadLetters.drain(Duration.ofMillis(100));
            }
        }

        void drain(Duration d) {
            predictions.drain(d);
            deadLetters.drain(Duration.ofMillis(500));
        }

        Map<String, Integer> counts() {
            Map<String, Integer> c = new HashMap<>();
            for (TopicReader r : List.of(predictions, deadLetters)) {
                for (ConsumerRecord<byte[], byte[]> rec : r.records()) {
                    c.merge(new String(rec.headers().lastHeader("frame-id").value(), StandardCharsets.UTF_8), 1,
                            Integer::sum);
                }
            }
            return c;
        }

        void assertEachFrameExactlyOnce(List<String> ids) {
            Map<String, Integer> c = counts();
            List<String> wrong = ids.stream().filter(id -> c.getOrDefault(id, 0) != 1).toList();
            assertTrue(wrong.isEmpty(), "frames not seen exactly once: " + wrong.stream()
                    .map(id -> id + "=" + c.getOrDefault(id, 0)).toList());
            assertEquals(ids.size(), c.size(), "no output for frames never sent");
        }

        void assertEachFrameAtLeastOnce(List<String> ids) {
            Map<String, Integer> c = counts();
            List<String> missing = ids.stream().filter(id -> !c.containsKey(id)).toList();
            assertTrue(missing.isEmpty(), "frames lost: " + missing);
        }

        String summary() {
            return predictions.records().size() + " predictions, " + deadLetters.records().size() + " dead letters";
        }

        @Override
        public void close() {
            predictions.close();
            deadLetters.close();
        }
    }
}
