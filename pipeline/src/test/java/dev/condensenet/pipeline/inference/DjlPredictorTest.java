package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real model path: an untrained (random, condensed) fmnist-26 written by the training module. */
@Timeout(120)
class DjlPredictorTest {
    @TempDir
    static Path tmp;
    static Path modelDir;

    @BeforeAll
    static void writeModel() throws Exception {
        modelDir = tmp.resolve("untrained-fmnist-26");
        ModelDirectory.writeUntrained(modelDir, "fmnist-26");
    }

    static float[] randomFrames(int n, int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void describesTheModelWithoutLoadingIt() {
        DjlPredictorFactory f = DjlPredictorFactory.of(modelDir, DeviceSpec.CPU, 1);
        ModelSpec s = f.spec();
        assertEquals(1, s.channels);
        assertEquals(28, s.height);
        assertEquals(10, s.numClasses());
        assertEquals("untrained-fmnist-26", s.name);
    }

    @Test
    void batchedLogitsEqualOneByOneLogits() throws Exception {
        DjlPredictorFactory f = DjlPredictorFactory.of(modelDir, DeviceSpec.CPU, 1);
        int size = f.spec().frameSize();
        int classes = f.spec().numClasses();
        float[] frames = randomFrames(5, size, 7);
        try (BatchPredictor p = f.open(null, 8)) {
            float[] batched = new float[8 * classes];
            p.predict(frames, 5, batched);
            float[] single = new float[8 * classes];
            float[] one = new float[size];
            boolean differ = false;
            for (int i = 0; i < 5; i++) {
                System.arraycopy(frames, i * size, one, 0, size);
                p.predict(one, 1, single);
                for (int c = 0; c < classes; c++) {
                    assertEquals(single[c], batched[i * classes + c], 1e-4, "frame " + i + " class " + c);
                    assertTrue(Float.isFinite(single[c]));
                }
                differ |= batched[i * classes] != batched[0];
            }
            assertTrue(differ, "different inputs give different logits");
        }
    }

    @Test
    void runsInsideTheBatchingOperator() throws Exception {
        DjlPredictorFactory f = DjlPredictorFactory.of(modelDir, DeviceSpec.CPU, 1);
        MicroBatchInferenceOperator op = new MicroBatchInferenceOperator(f, new BatchingSettings(4, 50), 3);
        try (OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> h = new OneInputStreamOperatorTestHarness<>(op,
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()))) {
            h.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
            h.open();
            float[] frames = randomFrames(6, f.spec().frameSize(), 3);
            for (int i = 0; i < 6; i++) {
                float[] px = new float[f.spec().frameSize()];
                System.arraycopy(frames, i * px.length, px, 0, px.length);
                h.processElement(new DecodedFrame("cam", "f" + i, 0, px), 0);
            }
            h.prepareSnapshotPreBarrier(1);
            List<Prediction> out = h.extractOutputValues();
            assertEquals(6, out.size());
            for (Prediction p : out) {
                assertTrue(f.spec().classNames[p.classIndex].equals(p.label));
                assertTrue(p.score > 0f && p.score <= 1f);
                assertEquals("untrained-fmnist-26", p.model);
            }
            assertEquals(List.of(4, 4, 4, 4, 2, 2), out.stream().map(p -> p.batchSize).toList());
        }
    }

    @Test
    void missingOrDamagedModelIsAOneLineError() throws Exception {
        ModelDirectoryException missing = assertThrows(ModelDirectoryException.class,
                () -> DjlPredictorFactory.of(tmp.resolve("nope"), DeviceSpec.CPU, 1));
        assertFalse(missing.getMessage().contains("\n"));
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("config.json"), "{not json");
        ModelDirectoryException bad = assertThrows(ModelDirectoryException.class,
                () -> DjlPredictorFactory.of(broken, DeviceSpec.CPU, 1));
        assertTrue(bad.getMessage().contains("config.json"), bad.getMessage());
    }
}
