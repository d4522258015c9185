/**
 * Decoding: bounded image decoding of one frame into a normalised float32 CHW tensor of the model's input size,
 * the Flink function that does it per record and dead-letters what cannot be decoded, and the error kinds.
 *
 * Frames are read as a viewer shows them (EXIF orientation, GIF canvas, meaningless BMP alpha) and damage the
 * format can detect is refused (see {@code FrameDecoder}).
 *
 * <p>May import: ImageIO and its plugins, metadata-extractor (EXIF), Flink's function API, {@code pipeline.wire},
 * {@code model.error}.
 */
package dev.condensenet.pipeline.frames;
