package dev.condensenet.model.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.condensenet.model.error.UserError;

/**
 * Parses {@code --device auto|cpu|gpu[:N]}: {@code auto} is GPU 0 when PyTorch sees a GPU, else the CPU;
 * {@code gpu} is GPU 0. How DJL finds GPUs: docs/design.md §8.6.
 */
public final class Devices {

    private Devices() {
    }

    /**
     * The device {@code spec} names (case-insensitive). Call after the engine is initialised
     * ({@link TorchRuntime#init}).
     *
     * @throws UserError for an unknown spec, a malformed {@code gpu:N}, a GPU request where PyTorch sees none
     *     (with the cause from {@link GpuVisibility}), or a GPU index PyTorch does not see
     */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase();
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (s.equals("auto")) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.startsWith("gpu:")) {
            int index = 0;
            if (s.startsWith("gpu:")) {
                try {
                    index = Integer.parseInt(s.substring(4));
                } catch (NumberFormatException e) {
                    throw new UserError("--device " + spec + ": expected gpu:N with a number N");
                }
            }
            if (gpus == 0) {
                throw new UserError("--device " + spec + ": " + GpuVisibility.explainNoGpu());
            }
            if (index >= gpus) {
                throw new UserError("--device " + spec + ": PyTorch sees " + gpus + " GPU(s) here (0 to "
                        + (gpus - 1) + ")");
            }
            return Device.gpu(index);
        }
        throw new UserError("--device " + spec + ": use auto, cpu, gpu or gpu:N");
    }
}
