/**
 * Micro-batched inference: the operator that batches decoded frames (max size or max delay, flushed before
 * every checkpoint barrier and at end of input), the batch predictor it calls and its DJL implementation, and
 * the operator's metrics, and the softmax and top-k ranking of each frame's logits; the TaskManager-wide
 * {@code SharedBatcher} that merges the subtasks' batches on one model per device ({@code --batching shared});
 * serving a versioned model root ({@code VersionedPredictorFactory}) with a predictor that loads and checks
 * new versions off the task thread and swaps between two batches ({@code HotSwapPredictor}); the choice of
 * runtime ({@code InferenceEngine}): the compiled network on libtorch, or the exported ONNX graph on ONNX
 * Runtime ({@code OrtPredictorFactory}).
 *
 * <p>May import: Flink's operator API, DJL, ONNX Runtime's Java API, {@code model.store}, {@code model.engine},
 * {@code model.onnx}, {@code model.error},
 * {@code pipeline.frames}, {@code pipeline.wire}.
 */
package dev.condensenet.pipeline.inference;
