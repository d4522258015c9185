package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.inference.BatchingSettings;
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
import org.junit.jupiter.api.Test;
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
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

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

    @Test
    void eachFrameExactlyOnceDespiteAFailure() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TestFrames.createTopics(kafka.bootstrapServers());
            KafkaSettings k = KafkaSettings.of(kafka.bootstrapServers())
                    .withGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .withTransactionalIdPrefix("eo-test");
            CheckpointSettings checkpoints = new CheckpointSettings(2000, null, 100);
            DjlPredictorFactory model = DjlPredictorFactory.of(TestFrames.modelOrUntrained(tmp),
                    DeviceSpec.CPU, 1);

            // The production graph with a failure injected before the prediction sink.
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(StreamingJob.flinkConfig(checkpoints));
            env.setParallelism(2);
            env.enableCheckpointing(checkpoints.intervalMs(), CheckpointingMode.EXACTLY_ONCE);
            PipelineGraph.build(env, KafkaWiring.source(k), KafkaWiring.predictionSink(k), KafkaWiring.deadLetterSink(k),
                    model, model.spec().decoderSettings(FrameLimits.DEFAULT), new BatchingSettings(8, 20), 3,
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

    private static String frameId(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader("frame-id").value(), StandardCharsets.UTF_8);
    }
}
