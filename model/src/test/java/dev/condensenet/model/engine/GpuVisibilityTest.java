package dev.condensenet.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condensenet.model.error.UserError;
import org.junit.jupiter.api.Test;

/**
 * --device gpu without a GPU names the cause. This JVM has pytorch-native-cpu on its classpath (as every test
 * and CPU run does), so the cause here is the CPU build; the CUDA-build case ("no GPU visible") is exercised
 * by the container tier's GPU dry run (docker/test/run.sh), where the CPU jar is absent.
 */
class GpuVisibilityTest {
    @Test
    void gpuWithoutAGpuSaysTheLoadedLibtorchIsTheCpuBuild() {
        TorchRuntime.init(1);
        assumeTrue(ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        UserError e = assertThrows(UserError.class, () -> DeviceSpec.parse("gpu").resolve());
        assertTrue(e.getMessage().startsWith("--device gpu: this is the CPU build of libtorch 2.7.1 (cpu"), e.getMessage());
        assertTrue(e.getMessage().contains("pytorch-native-cpu"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line");
        assertEquals(e.getMessage().replace("--device gpu:", "--device gpu:1:"),
                assertThrows(UserError.class, () -> DeviceSpec.parse("gpu:1").resolve()).getMessage());
    }

    @Test
    void flavourComesFromDjlsCacheDirectoryName() {
        assertEquals("cu128", GpuVisibility.flavor("/opt/djl-cache/pytorch/2.7.1-cu128-linux-x86_64"));
        assertEquals("cpu", GpuVisibility.flavor("/root/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64"));
        assertEquals("cpu-precxx11", GpuVisibility.flavor("/c/pytorch/2.7.1-cpu-precxx11-linux-aarch64"));
    }
}
