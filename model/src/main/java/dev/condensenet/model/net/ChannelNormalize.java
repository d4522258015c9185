package dev.condensenet.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;

/**
 * {@code (x − mean) / std} per channel of a CHW tensor of pixels already scaled to [0, 1] (the form DJL's
 * {@code ToTensor} produces; an NCHW batch broadcasts the same way). DJL's {@code Normalize} assumes three
 * channels; this works for gray (1) and RGB (3) models alike.
 */
public final class ChannelNormalize implements Transform {

    private final float[] mean;
    private final float[] std;

    /**
     * A normalisation for {@code mean.length} channels.
     *
     * @param mean one value per channel, for pixels in [0, 1]
     * @param std one positive value per channel
     * @throws IllegalArgumentException if the lengths differ
     */
    public ChannelNormalize(float[] mean, float[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need the same number of channels");
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public NDArray transform(NDArray array) {
        Shape s = new Shape(mean.length, 1, 1);
        NDArray m = array.getManager().create(mean, s);
        NDArray d = array.getManager().create(std, s);
        return array.sub(m).div(d);
    }
}
