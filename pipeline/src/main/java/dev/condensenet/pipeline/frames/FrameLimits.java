package dev.condensenet.pipeline.frames;

import java.io.Serializable;

/**
 * The limits that keep decoding bounded, checked before any pixel is decoded.
 *
 * @param maxPixels     most pixels (width × height) an image header may declare
 * @param maxFrameBytes most bytes of one record value
 */
public record FrameLimits(long maxPixels, int maxFrameBytes) implements Serializable {

    /** 25 megapixels and 8 MiB (Kafka's own default message limit is 1 MiB). */
    public static final FrameLimits DEFAULT =
            new FrameLimits(DecoderSettings.DEFAULT_MAX_PIXELS, DecoderSettings.DEFAULT_MAX_BYTES);

    /** @throws IllegalArgumentException if a limit is not positive */
    public FrameLimits {
        if (maxPixels < 1 || maxFrameBytes < 1) {
            throw new IllegalArgumentException("--max-pixels and --max-frame-bytes must be >= 1");
        }
    }
}
