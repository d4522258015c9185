package dev.condensenet.pipeline.frames;

import java.util.Arrays;

/**
 * Maps a frame already decoded for one model input (C×H×W, per-channel mean and std) to another model's
 * input, the way {@link FrameDecoder} would have produced it from the same pixels: the source normalisation
 * is undone, an RGB frame becomes gray by ITU-R BT.601 luma and a gray frame feeds every channel of an RGB
 * model, each plane is resampled with the decoder's antialiased bilinear filter ({@link Resampler}), and the
 * target normalisation is applied. Resampling an already decoded frame cannot bring back detail the first
 * decode dropped, so a larger target gets a smoothly upsampled frame, not the camera's full resolution.
 *
 * <p>Used when a hot-swapped model version has another input shape or normalisation than the one the job's
 * decoder was wired for (docs/guarantees.md, "Model updates"). All buffers are allocated in the constructor:
 * converting allocates nothing. Not thread-safe: one instance per caller.
 */
public final class FrameConversion {
    private final int inChannels;
    private final int inHeight;
    private final int inWidth;
    private final int outChannels;
    private final int outHeight;
    private final int outWidth;
    private final float[] inMean;
    private final float[] inStd;
    private final float[] outMean;
    private final float[] outInvStd;
    private final Resampler xs;
    private final Resampler ys;
    /** Raw [0, 1] source planes (after luma when RGB becomes gray). */
    private final float[] raw;
    /** One plane resampled along x: inHeight rows of outWidth. */
    private final float[] rowScratch;

    /**
     * @param from the input the frames were decoded for (shape, mean, std; the limits are ignored)
     * @param to   the input the model needs
     * @throws IllegalArgumentException if a side has other than 1 or 3 channels
     */
    public FrameConversion(DecoderSettings from, DecoderSettings to) {
        for (DecoderSettings s : new DecoderSettings[] {from, to}) {
            if (s.channels != 1 && s.channels != 3) {
                throw new IllegalArgumentException("frames have 1 (gray) or 3 (RGB) channels, not " + s.channels);
            }
        }
        this.inChannels = from.channels;
        this.inHeight = from.height;
        this.inWidth = from.width;
        this.outChannels = to.channels;
        this.outHeight = to.height;
        this.outWidth = to.width;
        this.inMean = from.mean.clone();
        this.inStd = from.std.clone();
        this.outMean = to.mean.clone();
        this.outInvStd = new float[to.channels];
        for (int c = 0; c < to.channels; c++) {
            outInvStd[c] = 1f / to.std[c];
        }
        this.xs = new Resampler(inWidth, outWidth);
        this.ys = new Resampler(inHeight, outHeight);
        this.raw = new float[inChannels * inHeight * inWidth];
        this.rowScratch = new float[inHeight * outWidth];
    }

    /** Whether frames decoded for {@code from} need converting for {@code to} (shape or normalisation differ). */
    public static boolean needed(DecoderSettings from, DecoderSettings to) {
        return from.channels != to.channels || from.height != to.height || from.width != to.width
                || !Arrays.equals(from.mean, to.mean) || !Arrays.equals(from.std, to.std);
    }

    /** Values per source frame (C·H·W). */
    public int inFrameSize() {
        return inChannels * inHeight * inWidth;
    }

    /** Values per converted frame (C·H·W). */
    public int outFrameSize() {
        return outChannels * outHeight * outWidth;
    }

    /**
     * Converts frames {@code 0..n-1} of {@code in} (source frames back to back) into {@code out} (target
     * frames back to back).
     */
    public void convert(float[] in, int n, float[] out) {
        for (int i = 0; i < n; i++) {
            convertOne(in, i * inFrameSize(), out, i * outFrameSize());
        }
    }

    private void convertOne(float[] in, int inOffset, float[] out, int outOffset) {
        int plane = inHeight * inWidth;
        for (int c = 0; c < inChannels; c++) {
            float m = inMean[c];
            float s = inStd[c];
            for (int i = 0, k = inOffset + c * plane, r = c * plane; i < plane; i++) {
                raw[r++] = in[k++] * s + m;
            }
        }
        int srcChannels = inChannels;
        if (inChannels == 3 && outChannels == 1) {
            for (int i = 0; i < plane; i++) { // ITU-R BT.601 luma, as the decoder
                raw[i] = 0.299f * raw[i] + 0.587f * raw[plane + i] + 0.114f * raw[2 * plane + i];
            }
            srcChannels = 1;
        }
        int outPlane = outHeight * outWidth;
        for (int c = 0; c < outChannels; c++) {
            int src = srcChannels == 1 ? 0 : c; // gray feeds every channel of an RGB model, as the decoder
            int at = outOffset + c * outPlane;
            xs.rows(raw, src * plane, inHeight, rowScratch);
            ys.columns(rowScratch, outWidth, out, at);
            float m = outMean[c];
            float inv = outInvStd[c];
            for (int i = at, end = at + outPlane; i < end; i++) {
                out[i] = (out[i] - m) * inv;
            }
        }
    }
}
