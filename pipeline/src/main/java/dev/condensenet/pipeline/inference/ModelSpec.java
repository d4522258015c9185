package dev.condensenet.pipeline.inference;

import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import java.io.Serializable;
import java.util.List;

/**
 * What the job needs to know about a model when it is wired (decoder input shape, normalization, class
 * names): read once on the client from the model directory and shipped with the job graph, so the
 * decode step never touches the model files.
 */
public final class ModelSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String name;
    public final String[] classNames;
    public final int channels;
    public final int height;
    public final int width;
    public final float[] mean;
    public final float[] std;

    public ModelSpec(String name, List<String> classNames, int channels, int height, int width,
                     float[] mean, float[] std) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("model " + name + " has no classes");
        }
        this.name = name;
        this.classNames = classNames.toArray(new String[0]);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public int frameSize() {
        return channels * height * width;
    }

    public int numClasses() {
        return classNames.length;
    }

    /** The decoder's settings for this model's input (C×H×W, normalisation) under {@code limits}. */
    public DecoderSettings decoderSettings(FrameLimits limits) {
        return new DecoderSettings(channels, height, width, mean, std, limits.maxPixels(), limits.maxFrameBytes());
    }
}
