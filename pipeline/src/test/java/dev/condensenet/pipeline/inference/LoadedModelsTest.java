package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.store.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Subtasks of one JVM share one loaded model (real fmnist-26 models written by the model module). */
@Timeout(120)
class LoadedModelsTest {
    @TempDir
    static Path tmp;
    static Path modelDir;
    static Path otherDir;

    @BeforeAll
    static void writeModels() throws Exception {
        modelDir = tmp.resolve("shared-fmnist-26");
        ModelDirectory.writeUntrained(modelDir, "fmnist-26");
        otherDir = tmp.resolve("other-fmnist-26");
        ModelDirectory.writeUntrained(otherDir, "fmnist-26");
    }

    @Test
    void predictorsOfOneDirectoryShareOneLoadAndTheLastCloseFreesIt() throws Exception {
        DjlPredictorFactory f = DjlPredictorFactory.of(modelDir, DeviceSpec.CPU, 1);
        int size = f.spec().frameSize();
        int classes = f.spec().numClasses();
        float[] frames = DjlPredictorTest.randomFrames(4, size, 11);
        int heldBefore = LoadedModels.held();
        long loads = LoadedModels.loads();
        float[] a = new float[4 * classes];
        float[] b = new float[4 * classes];
        try (LoadedModels.Lease client = f.hold(8)) { // as demo/run hold it before the job starts
            BatchPredictor first = f.open(null, 8);
            BatchPredictor second = f.open(null, 8);
            assertEquals(loads + 1, LoadedModels.loads(), "one load for the client and both subtasks");
            assertEquals(heldBefore + 1, LoadedModels.held());
            // Both predict at the same time on the shared weights, as two slots of a TaskManager do.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> fa = pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        first.predict(frames, 4, a);
                    }
                    return null;
                });
                Future<?> fb = pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        second.predict(frames, 4, b);
                    }
                    return null;
                });
                fa.get();
                fb.get();
            } finally {
                pool.shutdownNow();
            }
            assertArrayEquals(a, b, "the same weights give the same logits on either predictor");
            first.close();
            float[] again = new float[4 * classes];
            second.predict(frames, 4, again); // still loaded: another holder has it
            assertArrayEquals(b, again);
            second.close();
            assertEquals(heldBefore + 1, LoadedModels.held(), "the client still holds it");
        }
        assertEquals(heldBefore, LoadedModels.held(), "the last holder's close frees the model");
        try (BatchPredictor p = f.open(null, 8)) {
            assertEquals(loads + 2, LoadedModels.loads(), "after everyone let go, a new holder loads again");
            float[] fresh = new float[4 * classes];
            p.predict(frames, 4, fresh);
            // A new load times its layer plans again and may pick another one: equal within float rounding.
            assertArrayEquals(a, fresh, 1e-5f);
        }
    }

    @Test
    void anotherDirectoryOrPlanBatchIsAnotherLoad() throws Exception {
        DjlPredictorFactory f = DjlPredictorFactory.of(modelDir, DeviceSpec.CPU, 1);
        DjlPredictorFactory other = DjlPredictorFactory.of(otherDir, DeviceSpec.CPU, 1);
        long loads = LoadedModels.loads();
        try (BatchPredictor p8 = f.open(null, 8); BatchPredictor o8 = other.open(null, 8);
             BatchPredictor p16 = f.open(null, 16)) {
            assertEquals(loads + 3, LoadedModels.loads());
        }
    }

    @Test
    void aFailedLoadHoldsNothingAndIsReportedToEveryCaller() throws Exception {
        Path broken = tmp.resolve("broken-fmnist-26");
        ModelDirectory.writeUntrained(broken, "fmnist-26");
        DjlPredictorFactory f = DjlPredictorFactory.of(broken, DeviceSpec.CPU, 1);
        try (var files = Files.list(broken)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".params")).toList()) {
                Files.write(p, new byte[] {1, 2, 3}); // truncated parameters
            }
        }
        int held = LoadedModels.held();
        assertThrows(SuppressRestartsException.class, () -> f.open(null, 8));
        assertThrows(RuntimeException.class, () -> f.hold(8));
        assertEquals(held, LoadedModels.held());
    }
}
