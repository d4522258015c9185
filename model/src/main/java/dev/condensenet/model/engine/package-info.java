/**
 * Process-wide PyTorch engine setup and device choice, applied once per JVM by every entry point before the
 * first DJL call ({@link dev.condensenet.model.engine.TorchRuntime}: offline natives, libtorch thread counts,
 * glibc malloc thresholds, NNPACK off; docs/design.md §8.2–§8.5), the {@code --device auto|cpu|gpu[:N]}
 * syntax of every entry point ({@link dev.condensenet.model.engine.DeviceSpec}) and the one-line reason why
 * PyTorch sees no GPU ({@link dev.condensenet.model.engine.GpuVisibility}; §8.6).
 *
 * <p>May import: DJL (api and the PyTorch engine's {@code LibUtils}), JNA, SLF4J, {@code model.error}. Used by
 * the training and pipeline entry points (commands, the Flink operator's predictor factory); within the model
 * module {@code net}, {@code compiled} and {@code store} may use it ({@code ModelArchitectureTest}).
 */
package dev.condensenet.model.engine;
