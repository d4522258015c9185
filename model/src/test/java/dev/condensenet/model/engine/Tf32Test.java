package dev.condensenet.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code --exact-fp32}: libtorch's TF32 flags live in {@code at::Context} in every build, the CPU one too, so
 * setting them through {@link TorchRuntime} is observable here, and the CPU path must leave them alone.
 */
class Tf32Test {

    @Test
    void theFlagsCanBeTurnedOffAndRestored() {
        TorchRuntime.init(1);
        TorchRuntime.Tf32 before = TorchRuntime.tf32();
        try {
            TorchRuntime.setTf32(TorchRuntime.Tf32.OFF);
            assertEquals(TorchRuntime.Tf32.OFF, TorchRuntime.tf32());
            TorchRuntime.setTf32(new TorchRuntime.Tf32(true, false));
            assertEquals(new TorchRuntime.Tf32(true, false), TorchRuntime.tf32());
            assertEquals(before, TorchRuntime.tf32Defaults(), "the defaults are what libtorch had first");
        } finally {
            TorchRuntime.setTf32(before);
        }
        assertEquals(before, TorchRuntime.tf32());
        // PyTorch's documented defaults: cuDNN may use TF32, cuBLAS matmuls may not.
        assertTrue(before.cudnn());
        assertFalse(before.cublas());
    }

    @Test
    void onTheCpuExactFp32ChangesNothing() {
        TorchRuntime.init(1);
        TorchRuntime.Tf32 before = TorchRuntime.tf32();
        assertEquals(Device.cpu(), DeviceSpec.CPU.withExactFp32(true).resolve());
        assertEquals(before, TorchRuntime.tf32());
    }

    @Test
    void theFlagTravelsWithTheDevice() throws Exception {
        DeviceSpec gpu = DeviceSpec.parse("gpu:1");
        assertFalse(gpu.exactFp32());
        DeviceSpec exact = gpu.withExactFp32(true);
        assertTrue(exact.exactFp32());
        assertEquals("gpu:1", exact.toString());
        assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, 1, true), exact);
        // Shipped to TaskManagers inside the job graph.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(exact);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(exact, in.readObject());
        }
    }
}
