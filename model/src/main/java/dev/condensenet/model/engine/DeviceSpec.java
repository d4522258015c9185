package dev.condensenet.model.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.condensenet.model.error.UserError;
import java.io.Serializable;
import java.util.Locale;

/**
 * A parsed {@code --device auto|cpu|gpu|gpu:N}, the one device syntax of both command lines and the
 * streaming job. Parsing needs no engine (a {@code flink run} client does not load libtorch); {@link
 * #resolve} asks PyTorch how many GPUs it sees.
 *
 * @param kind auto (a GPU when PyTorch sees one, else the CPU), cpu or gpu
 * @param index the GPU index of {@code gpu:N}, or -1 when none was given (then the caller's default:
 *     0, or the GPU Flink assigned to the TaskManager)
 * @param exactFp32 {@code --exact-fp32}: when this resolves to a GPU, float32 convolutions and matmuls run in
 *     full float32 instead of TF32 ({@link TorchRuntime#setTf32}); no effect on the CPU, which never uses TF32
 */
public record DeviceSpec(Kind kind, int index, boolean exactFp32) implements Serializable {

    /** What the user asked for. */
    public enum Kind { AUTO, CPU, GPU }

    /** {@code auto}. */
    public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, -1);
    /** {@code cpu}. */
    public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, -1);

    /** A device with PyTorch's default float32 math (TF32 allowed in cuDNN on GPUs). */
    public DeviceSpec(Kind kind, int index) {
        this(kind, index, false);
    }

    /** This device with {@code --exact-fp32} on or off. */
    public DeviceSpec withExactFp32(boolean exact) {
        return new DeviceSpec(kind, index, exact);
    }

    /**
     * @throws UserError naming the flag value and the accepted forms
     */
    public static DeviceSpec parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu":
                return new DeviceSpec(Kind.GPU, -1);
            default:
                break;
        }
        if (s.startsWith("gpu:")) {
            try {
                int index = Integer.parseInt(s.substring(4));
                if (index >= 0) {
                    return new DeviceSpec(Kind.GPU, index);
                }
            } catch (NumberFormatException e) {
                // falls through to the one message below
            }
            throw new UserError("--device " + spec + ": expected gpu:N with a GPU number N >= 0, e.g. gpu:1");
        }
        throw new UserError("--device " + spec + ": use auto, cpu, gpu or gpu:N");
    }

    /** The device in this JVM, GPU 0 for a plain {@code gpu}. */
    public Device resolve() {
        return resolve(0, "here");
    }

    /**
     * The device in this JVM.
     *
     * @param defaultGpu the GPU a plain {@code gpu} or {@code auto} picks (e.g. the one Flink assigned)
     * @param where where this runs, for the message ("here", "on this TaskManager")
     * <p>On a GPU this also sets libtorch's TF32 flags, which are JVM-wide: off with {@link #exactFp32()},
     * else back to PyTorch's defaults if something in this JVM had changed them (otherwise they are not
     * touched); so the last device resolved in a JVM decides for all its models.
     *
     * @throws UserError when a GPU was asked for that PyTorch does not see: with none at all, why
     *     ({@link GpuVisibility#explainNoGpu()}); or when {@code --exact-fp32} cannot be set in this libtorch
     */
    public Device resolve(int defaultGpu, String where) {
        Device device = pick(defaultGpu, where);
        if (device.isGpu() && exactFp32) {
            TorchRuntime.setTf32(TorchRuntime.Tf32.OFF);
        } else if (device.isGpu() && TorchRuntime.tf32Changed()) {
            TorchRuntime.setTf32(TorchRuntime.tf32Defaults()); // an earlier job in this JVM turned TF32 off
        }
        return device;
    }

    private Device pick(int defaultGpu, String where) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        int gpu = index >= 0 ? index : defaultGpu;
        switch (kind) {
            case CPU:
                return Device.cpu();
            case AUTO:
                return gpus > 0 ? Device.gpu(Math.min(gpu, gpus - 1)) : Device.cpu();
            default:
                if (gpus == 0) {
                    throw new UserError("--device " + this + ": " + GpuVisibility.explainNoGpu());
                }
                if (gpu >= gpus) {
                    throw new UserError("--device " + this + ": PyTorch sees " + gpus + " GPU(s) " + where + " (0 to "
                            + (gpus - 1) + ")");
                }
                return Device.gpu(gpu);
        }
    }

    /** The flag value this was parsed from, normalised ({@code gpu:1}). */
    @Override
    public String toString() {
        return kind == Kind.GPU && index >= 0 ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
