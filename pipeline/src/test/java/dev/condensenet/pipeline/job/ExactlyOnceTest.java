package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.inference.BatchingMode;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.kafka.KafkaClients;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.TopicReader;
import dev.condensenet.pipeline.wire.Prediction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once: a failure is injected between inference and the prediction sink while a transaction
 * holds output; Flink restarts from the last checkpoint and replays. A read_committed consumer must
 * still see every frame exactly once (predictions and dead letters together).
 */
@Timeout(240)
class ExactlyOnceTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final int PHASE1 = 100;
    static final int PHASE2 = 100;
    static final int FAIL_AT = PHASE1 + 20;
    static final AtomicInteger PASSED = new AtomicInteger();
    static final AtomicBoolean FAILED = new AtomicBoolean();

    /** Throws once, when the FAIL_AT-th prediction reaches it; waits first so the doomed output is on the broker. */
    static final class FailOnce implements MapFunction<Prediction, Prediction> {
        @Override
        public Prediction map(Prediction p) throws Exception {
            if (PASSED.incrementAndGet() == FAIL_AT && !FAILED.getAndSet(true)) {
                Thread.sleep(500);
                throw new IllegalStateException("injected failure after " + FAIL_AT + " predictions");
            }
            return p;
        }
    }

    @TempDir
    Path tmp;

    /**
     * Per-subtask at parallelism 2, and one shared batcher for four subtasks: there, each subtask hands over
     * batches of at most 8 / 4 = 2 frames, and predictions that were inferred in a merged batch of more show
     * that the subtasks' batches were merged.
     */
    @ParameterizedTest
    @CsvSource({"2, PER_SUBTASK", "4, SHARED"})
    void eachFrameExactlyOnceDespiteAFailure(int parallelism, BatchingMode batching) throws Exception {
        PASSED.set(0);
        FAILED.set(false);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (org.apache.kafka.clients.admin.Admin admin =
                         KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of("frames", 4, "predictions", 1, "dead-letters", 1), (short) 1);
            }
            KafkaSettings k = KafkaSettings.of(kafka.bootstrapServers())
                    .withGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .withTransactionalIdPrefix("eo-test");
            CheckpointSettings checkpoints = new CheckpointSettings(2000, null, 100);
            DjlPredictorFactory model = DjlPredictorFactory.of(TestFrames.modelOrUntrained(tmp),
                    DeviceSpec.CPU, 1);

            // The production graph with a failure injected before the prediction sink.
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(StreamingJob.flinkConfig(checkpoints));
            env.setParallelism(parallelism);
            env.enableCheckpointing(checkpoints.intervalMs(), CheckpointingMode.EXACTLY_ONCE);
            PipelineGraph.build(env, KafkaWiring.source(k), KafkaWiring.predictionSink(k), KafkaWiring.deadLetterSink(k),
                    model, model.spec().decoderSettings(FrameLimits.DEFAULT), new BatchingSettings(8, 20, batching), 3,
                    s -> s.map(new FailOnce()).name("fail-once"));
            JobClient job = env.executeAsync("exactly-once-test");
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), new Properties(), "frames");
                 TopicReader committed = new TopicReader(kafka.bootstrapServers(), "predictions", true);
                 TopicReader committedDlq = new TopicReader(kafka.bootstrapServers(), "dead-letters", true);
                 TopicReader everything = new TopicReader(kafka.bootstrapServers(), "predictions", false)) {
                send(producer, 0, PHASE1);
                committed.waitFor(PHASE1 - PHASE1 / 10, Duration.ofSeconds(90));
                send(producer, PHASE1, PHASE1 + PHASE2);
                int total = PHASE1 + PHASE2;
                committed.waitFor(total - total / 10, Duration.ofSeconds(120));
                committedDlq.waitFor(total / 10, Duration.ofSeconds(60));
                committed.drain(Duration.ofSeconds(5)); // a later duplicate would show up here
                committedDlq.drain(Duration.ofMillis(500));
                everything.drain(Duration.ofSeconds(1));

                assertTrue(FAILED.get(), "the failure was injected");
                List<String> ids = committed.records().stream().map(ExactlyOnceTest::frameId).toList();
                List<String> dlqIds = committedDlq.records().stream().map(ExactlyOnceTest::frameId).toList();
                Set<String> all = new HashSet<>(ids);
                all.addAll(dlqIds);
                assertEquals(total, ids.size() + dlqIds.size(), "no duplicates among committed records");
                assertEquals(total, all.size(), "every frame accounted for");
                System.out.printf("exactly-once: %d committed predictions, %d dead letters; read_uncommitted saw %d "
                        + "predictions%n", ids.size(), dlqIds.size(), everything.records().size());
                if (batching == BatchingMode.SHARED) {
                    int largest = committed.records().stream().mapToInt(ExactlyOnceTest::batchSize).max().orElse(0);
                    assertTrue(largest > 8 / parallelism, "merged batches of up to " + largest
                            + " frames, more than one subtask's 2");
                }
                assertTrue(everything.records().size() > ids.size(),
                        "the failure aborted a transaction that held output (else the test proves nothing)");
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Every tenth frame is malformed (dead-lettered), the others are small valid PNGs. */
    private static void send(FrameProducer producer, int from, int to) {
        for (int i = from; i < to; i++) {
            int v = i;
            byte[] value = i % 10 == 9 ? "garbage".getBytes(StandardCharsets.UTF_8)
                    : TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y) & 0xff), "png");
            producer.send("cam-" + (i % 3), "f" + i, System.currentTimeMillis(), value);
        }
        producer.flush();
    }

    private static int batchSize(ConsumerRecord<byte[], byte[]> r) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.value()).get("batchSize").asInt();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String frameId(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader("frame-id").value(), StandardCharsets.UTF_8);
    }
}
