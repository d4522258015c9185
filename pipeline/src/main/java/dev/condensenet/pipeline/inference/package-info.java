/**
 * Micro-batched inference: the operator that batches decoded frames (max size or max delay, flushed before
 * every checkpoint barrier and at end of input), the batch predictor it calls and its DJL implementation, and
 * the operator's metrics, and the softmax and top-k ranking of each frame's logits.
 *
 * <p>May import: Flink's operator API, DJL, {@code model.store}, {@code model.engine}, {@code model.error},
 * {@code pipeline.frames}, {@code pipeline.wire}.
 */
package dev.condensenet.pipeline.inference;
