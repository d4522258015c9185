package dev.condensenet.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import dev.condensenet.model.error.UserError;
import org.junit.jupiter.api.Test;

/** The one {@code --device} syntax: every accepted form, and one line for anything else. */
class DeviceSpecTest {

    @Test
    void parsesEveryForm() {
        assertEquals(DeviceSpec.AUTO, DeviceSpec.parse("auto"));
        assertEquals(DeviceSpec.CPU, DeviceSpec.parse(" CPU "));
        assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, -1), DeviceSpec.parse("gpu"));
        assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, 3), DeviceSpec.parse("gpu:3"));
        assertEquals("gpu:3", DeviceSpec.parse("GPU:3").toString());
        assertEquals("gpu", DeviceSpec.parse("gpu").toString());
    }

    @Test
    void refusesOtherFormsInOneLine() {
        assertEquals("--device tpu: use auto, cpu, gpu or gpu:N",
                assertThrows(UserError.class, () -> DeviceSpec.parse("tpu")).getMessage());
        for (String bad : new String[] {"gpu:x", "gpu:-1", "gpu:"}) {
            assertEquals("--device " + bad + ": expected gpu:N with a GPU number N >= 0, e.g. gpu:1",
                    assertThrows(UserError.class, () -> DeviceSpec.parse(bad)).getMessage());
        }
    }

    @Test
    void theCpuResolvesEverywhere() {
        TorchRuntime.init();
        assertEquals(Device.cpu(), DeviceSpec.CPU.resolve());
    }
}
