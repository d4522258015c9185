package dev.condensenet.training.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Parses {@code --device auto|cpu|gpu[:N]}. */
final class Devices {

    private Devices() {
    }

    /** Call after the engine is initialised. */
    static Device parse(String spec) {
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
                    throw new UserInputException("--device " + spec + ": expected gpu:N with a number N");
                }
            }
            if (index >= gpus) {
                throw new UserInputException("--device " + spec + ": PyTorch sees " + gpus + " GPU(s) here; use "
                        + "--device cpu, or install CUDA libtorch (see README, GPU)");
            }
            return Device.gpu(index);
        }
        throw new UserInputException("--device " + spec + ": use auto, cpu, gpu or gpu:N");
    }
}
