package dev.condensenet.pipeline.frames;

import java.io.Serializable;
import java.util.Arrays;

/** What the decoder needs from the model, plus the limits that keep decoding bounded. */
public final class DecoderSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default pixel limit: 25 megapixels declared in the header. */
    public static final long DEFAULT_MAX_PIXELS = 25_000_000L;
    /** Default byte limit of one record value (Kafka's own default message limit is 1 MiB). */
    public static final int DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

    public final int channels;
    public final int height;
    public final int width;
    public final float[] mean;
    public final float[] std;
    public final long maxPixels;
    public final int maxBytes;

    public DecoderSettings(int channels, int height, int width, float[] mean, float[] std,
                           long maxPixels, int maxBytes) {
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean/std need " + channels + " values, got "
                    + Arrays.toString(mean) + " / " + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
            }
        }
        if (maxPixels <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.mean = mean.clone();
        this.std = std.clone();
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
    }

    public DecoderSettings withLimits(long maxPixels, int maxBytes) {
        return new DecoderSettings(channels, height, width, mean, std, maxPixels, maxBytes);
    }
}
