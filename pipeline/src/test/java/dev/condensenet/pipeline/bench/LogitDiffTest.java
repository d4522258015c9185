package dev.condensenet.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.engine.TorchRuntime;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.job.Testdata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU-GPU logit comparison: its arithmetic, and on the CPU against itself with a real model (0). */
class LogitDiffTest {
    @TempDir
    Path tmp;

    @Test
    void maxAbsDiffIsTheLargestElementwiseGapAndNanIsNeverClose() {
        assertEquals(0.0, LogitDiff.maxAbsDiff(new float[] {1, 2}, new float[] {1, 2}));
        assertEquals(0.5, LogitDiff.maxAbsDiff(new float[] {1, -2, 3}, new float[] {1.25f, -2.5f, 3}), 1e-12);
        assertTrue(Double.isNaN(LogitDiff.maxAbsDiff(new float[] {0, Float.NaN}, new float[] {0, 0})));
        assertThrows(IllegalArgumentException.class, () -> LogitDiff.maxAbsDiff(new float[1], new float[2]));
    }

    @Test
    void top1AgreementCountsRowsWithTheSameArgMax() {
        float[] a = {0, 1, 0, /* */ 5, 1, 0, /* */ 0, 0, 1};
        float[] b = {0, 2, 1, /* */ 0, 1, 0, /* */ 0, 0, 9};
        assertEquals(2, LogitDiff.top1Agreement(a, b, 3));
        assertThrows(IllegalArgumentException.class, () -> LogitDiff.top1Agreement(a, b, 4));
    }

    @Test
    void theCpuAgainstItselfDiffersByNothingAndLeavesTheFlagsAsFound() throws Exception {
        Path model = Testdata.model().orElse(null);
        if (model == null) {
            model = tmp.resolve("model");
            ModelDirectory.writeUntrained(model, "fmnist-26");
        }
        Path images = Testdata.fashionMnistSample().orElseThrow();
        TorchRuntime.init(1);
        TorchRuntime.Tf32 before = TorchRuntime.tf32();
        LogitDiff.Result r = LogitDiff.run(model, images, DeviceSpec.CPU, 1, 10, 4); // 4+4+2: a partial batch
        assertEquals(10, r.frames());
        assertEquals("cpu", r.device());
        assertEquals(0.0, r.maxAbsDefault());
        assertEquals(0.0, r.maxAbsExactFp32());
        assertEquals(10, r.top1AgreeDefault());
        assertEquals(10, r.top1AgreeExactFp32());
        assertEquals(before, r.tf32Default());
        assertEquals(before, TorchRuntime.tf32());
        assertTrue(Files.isDirectory(images));
    }
}
