package dev.condensenet.pipeline.inference;

import dev.condensenet.model.engine.DeviceSpec;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which runtime serves a model directory ({@code --engine}): the project's compiled network on libtorch
 * through DJL, or the same condensed network exported to ONNX and run by ONNX Runtime (CPU only). Both read
 * the same model directory and give the same logits up to float rounding (≤ 1e-5, BENCHMARKS.md "Against
 * PyTorch and ONNX Runtime"); ONNX Runtime is several times faster at batch 1 on a CPU.
 */
public enum InferenceEngine {
    /** The compiled network on libtorch (DJL's PyTorch engine); CPU or GPU. */
    PYTORCH,
    /** The exported ONNX graph on ONNX Runtime's CPU execution provider ({@link OrtPredictorFactory}). */
    ONNXRUNTIME;

    /** The flag's spelling: {@code pytorch} or {@code onnxruntime}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the flag and its values */
    public static InferenceEngine parse(String value) {
        for (InferenceEngine e : values()) {
            if (e.flagValue().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("--engine must be pytorch or onnxruntime, not " + value);
    }

    /**
     * A factory serving model directory {@code dir} with this engine.
     *
     * @param threads intra-op threads: libtorch's per TaskManager JVM, ONNX Runtime's per subtask; 0 = one
     *     per core
     * @throws dev.condensenet.model.store.ModelDirectoryException if the directory is missing or damaged
     * @throws IllegalArgumentException for ONNX Runtime on a GPU
     */
    public PredictorFactory factory(Path dir, DeviceSpec device, int threads) {
        return this == PYTORCH ? DjlPredictorFactory.of(dir, device, threads)
                : OrtPredictorFactory.of(dir, device, threads);
    }
}
