package dev.condensenet.cli;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.error.UserError;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --device auto|cpu|gpu|gpu:N} and {@code --exact-fp32}, parsed by {@link DeviceSpec} (the syntax the streaming job uses
 * too); a malformed value is a usage error at parse time, a GPU PyTorch does not see one line when the
 * device is resolved.
 */
public final class DeviceOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    private DeviceSpec device = DeviceSpec.AUTO;

    @Option(names = "--exact-fp32", description = "On a GPU, run float32 convolutions and matrix products in full "
            + "float32 (TF32 off in cuDNN and cuBLAS; slower on Ampere and later, logits closer to the CPU's). "
            + "No effect on the CPU, which never uses TF32.")
    boolean exactFp32;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu[:N]", defaultValue = "auto",
            description = "Where the model runs: auto (a GPU when PyTorch sees one), cpu, gpu or gpu:N "
                    + "(default: ${DEFAULT-VALUE}).")
    void setDevice(String value) {
        try {
            device = DeviceSpec.parse(value);
        } catch (UserError e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, value);
        }
    }

    /** What the user asked for, {@code --exact-fp32} included. */
    public DeviceSpec get() {
        return device.withExactFp32(exactFp32);
    }
}
