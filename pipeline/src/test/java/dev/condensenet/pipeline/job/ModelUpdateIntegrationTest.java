package dev.condensenet.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.ModelSwapSettings;
import dev.condensenet.pipeline.inference.ModelVersions;
import dev.condensenet.pipeline.inference.VersionedPredictorFactory;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.TopicReader;
import dev.condensenet.pipeline.wire.Prediction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * A model update on a running exactly-once job (MiniCluster, parallelism 2, real broker): version 2 (same
 * architecture and labels, other parameters) appears while frames flow, a corrupt version 3 follows, then a
 * failure is injected before the prediction sink. Every frame must come back exactly once, each stream's
 * predictions carry version 1 and then version 2 (never back, never 3), and the job recovers on version 2.
 */
@Timeout(240)
class ModelUpdateIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Once armed (version 3 is on disk), fails on the first prediction of version 2 it sees. */
    static final class FailOnceAfterTheSwap implements MapFunction<Prediction, Prediction> {
        @Override
        public Prediction map(Prediction p) throws Exception {
            if (ARMED.get() && p.modelVersion == 2 && !FAILED.getAndSet(true)) {
                Thread.sleep(300); // let the doomed transaction's records reach the broker
                throw new IllegalStateException("injected failure after the swap to version 2");
            }
            return p;
        }
    }

    @TempDir
    Path tmp;
    int sent;

    @Test
    void aNewVersionIsSwappedInWhileFramesFlowAndEachFrameComesBackOnce() throws Exception {
        assumeTrue(Testdata.model().isPresent(), "needs the trained model in testdata/models");
        Path root = tmp.resolve("models");
        ModelVersions.publish(root, ModelVersions.trained());
        Path retrained = ModelVersions.retrained(tmp.resolve("retrained"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TestFrames.createTopics(kafka.bootstrapServers());
            KafkaSettings k = KafkaSettings.of(kafka.bootstrapServers())
                    .withGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .withTransactionalIdPrefix("model-update-test");
            CheckpointSettings checkpoints = new CheckpointSettings(1000, null, 100);
            VersionedPredictorFactory model = VersionedPredictorFactory.of(root,
                    new ModelSwapSettings(200, 0, false), DeviceSpec.CPU, 1);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(StreamingJob.flinkConfig(checkpoints));
            env.setParallelism(2);
            env.enableCheckpointing(checkpoints.intervalMs(), CheckpointingMode.EXACTLY_ONCE);
            PipelineGraph.build(env, KafkaWiring.source(k), KafkaWiring.predictionSink(k),
                    KafkaWiring.deadLetterSink(k), model, model.spec().decoderSettings(FrameLimits.DEFAULT),
                    new BatchingSettings(8, 20), 3, s -> s.map(new FailOnceAfterTheSwap()).name("fail-once"));
            JobClient job = env.executeAsync("model-update-test");
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), new Properties(), "frames");
                 TopicReader committed = new TopicReader(kafka.bootstrapServers(), "predictions", true)) {
                send(producer, 100);
                committed.waitFor(100, Duration.ofSeconds(90));

                ModelVersions.publish(root, retrained); // version 2, while frames keep coming
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (committed.records().stream().noneMatch(r -> version(r) == 2)) {
                    assertTrue(System.nanoTime() < deadline, "version 2 never served");
                    send(producer, 10);
                    committed.drain(Duration.ofMillis(100));
                }
                ModelVersions.publishTruncated(root, retrained); // version 3: refused by every subtask
                ARMED.set(true);
                for (int i = 0; i < 10; i++) {
                    send(producer, 10);
                    committed.drain(Duration.ofMillis(100));
                }
                committed.waitFor(sent, Duration.ofSeconds(120));
                committed.drain(Duration.ofSeconds(3)); // a late duplicate would show up here

                assertTrue(FAILED.get(), "the failure was injected");
                List<ConsumerRecord<byte[], byte[]>> records = committed.records();
                Set<String> ids = new HashSet<>();
                Map<String, Long> lastVersion = new HashMap<>();
                int[] perVersion = new int[4];
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String id = header(r, "frame-id");
                    assertTrue(ids.add(id), "frame " + id + " came back twice");
                    long v = version(r);
                    assertEquals(Long.toString(v), header(r, "model-version"), "header and JSON agree");
                    assertTrue(v == 1 || v == 2, "frame " + id + " classified by version " + v);
                    String stream = new String(r.key(), StandardCharsets.UTF_8);
                    assertTrue(lastVersion.getOrDefault(stream, 0L) <= v, "stream " + stream + " went back from "
                            + "version " + lastVersion.get(stream) + " to " + v + " at frame " + id);
                    lastVersion.put(stream, v);
                    perVersion[(int) v]++;
                }
                assertEquals(sent, ids.size(), "every frame came back");
                for (int i = sent - 20; i < sent; i++) {
                    assertTrue(ids.contains("f" + i));
                }
                List<Long> lastOnes = new ArrayList<>();
                records.subList(records.size() - 20, records.size()).forEach(r -> lastOnes.add(version(r)));
                assertTrue(lastOnes.stream().allMatch(v -> v == 2), "after recovery version 2 serves: " + lastOnes);
                assertTrue(perVersion[1] >= 100 && perVersion[2] > 0, "v1 " + perVersion[1] + ", v2 " + perVersion[2]);
                System.out.printf("model update: %d frames once each, %d on version 1 then %d on version 2; corrupt "
                        + "version 3 refused; recovered after an injected failure on version 2%n", sent,
                        perVersion[1], perVersion[2]);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** {@code n} small valid PNGs, ids {@code f<sent>...}, round-robin over three streams. */
    private void send(FrameProducer producer, int n) {
        for (int i = 0; i < n; i++) {
            int v = sent++;
            byte[] value = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * v + y) & 0xff), "png");
            producer.send("cam-" + (v % 3), "f" + v, System.currentTimeMillis(), value);
        }
        producer.flush();
    }

    private static long version(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.value()).get("modelVersion").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
