package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.bench.SampleFrames;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchPredictor;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.inference.SoftmaxTopK;
import dev.condensenet.pipeline.job.Testdata;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code run --engine onnxruntime} against a real broker and a local Flink: real Fashion-MNIST frames through
 * two subtasks sharing one ONNX Runtime session ({@code --batching shared}) come out with the class and score
 * the libtorch path gives the same decoded frame.
 */
class OnnxRuntimeRunTest {
    private static final int FRAMES = 24;

    @Test
    @Timeout(150)
    void runWithOnnxRuntimeClassifiesRealFramesAsTheLibtorchPathDoes() throws Exception {
        assumeTrue(Testdata.model().isPresent(), "needs the trained model in testdata/models");
        Path model = Testdata.model().get();
        DjlPredictorFactory torch = DjlPredictorFactory.of(model, DeviceSpec.CPU, 1);
        Path dir = Testdata.fashionMnistSample().orElseThrow(() -> new AssertionError("no fashion-mnist-sample"));
        SampleFrames samples = SampleFrames.load(dir, torch.spec().decoderSettings(FrameLimits.DEFAULT));
        int classes = torch.spec().numClasses();
        Map<String, float[]> expected = new HashMap<>(); // frame id -> {class, score} by libtorch
        try (BatchPredictor p = torch.open(null, 1)) {
            float[] logits = new float[classes];
            SoftmaxTopK top = new SoftmaxTopK(classes, 1);
            for (int i = 0; i < FRAMES; i++) {
                p.predict(samples.decoded(i).clone(), 1, logits);
                top.apply(logits, 0);
                expected.put("r" + i, new float[] {top.index(0), top.score(0)});
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopics(admin, Map.of("frames", 2, "predictions", 1, "dead-letters", 1), (short) 1);
            }
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> PipelineCli.execute("run",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--model", model.toString(),
                    "--engine", "onnxruntime", "--batching", "shared", "--parallelism", "2", "--max-batch", "8",
                    "--stop-after-s", "20"));
            List<ConsumerRecord<byte[], byte[]>> out;
            try (FrameProducer producer = new FrameProducer(kafka.bootstrapServers(), new Properties(), "frames");
                 TopicReader predictions = new TopicReader(kafka.bootstrapServers(), "predictions", false)) {
                for (int i = 0; i < FRAMES; i++) {
                    producer.send("cam-" + (i % 2), "r" + i, System.currentTimeMillis(), samples.encoded(i));
                }
                producer.flush();
                out = predictions.waitFor(FRAMES, Duration.ofSeconds(90));
            }
            assertEquals(0, run.get(90, TimeUnit.SECONDS), "run stops cleanly after --stop-after-s");
            assertEquals(FRAMES, out.size());
            ObjectMapper json = new ObjectMapper();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                JsonNode p = json.readTree(r.value());
                float[] want = expected.remove(p.get("frameId").asText());
                assertTrue(want != null, "one prediction per frame: " + p);
                assertEquals((int) want[0], p.get("classIndex").asInt(), p.toString());
                assertEquals(want[1], p.get("score").floatValue(), 1e-5, p.toString());
                assertEquals(0, p.get("modelVersion").asLong());
            }
        }
    }
}
