/**
 * Decoding: bounded image decoding of one frame into a normalised float32 CHW tensor of the model's input size,
 * the Flink function that does it per record and dead-letters what cannot be decoded, and the error kinds.
 *
 * <p>May import: ImageIO and its plugins, Flink's function API, {@code pipeline.wire}.
 */
package dev.condensenet.pipeline.frames;
