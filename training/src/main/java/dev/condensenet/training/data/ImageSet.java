package dev.condensenet.training.data;

import java.util.List;

/**
 * Decoded images held in memory as unsigned bytes in CHW order, one label each. Small datasets
 * (Fashion-MNIST: 47 MB, CIFAR-10: 184 MB) fit easily, and per-batch work is then pure arithmetic.
 */
public final class ImageSet {

    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    public ImageSet(int channels, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {
        if ((long) channels * height * width * labels.length != pixels.length) {
            throw new IllegalArgumentException("pixel buffer does not match " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        }
        for (int label : labels) {
            if (label < 0 || label >= classNames.size()) {
                throw new DataException("label " + label + " outside the " + classNames.size() + " classes");
            }
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The raw buffer; image {@code i} starts at {@code i·imageBytes()}. Read-only by convention. */
    public byte[] pixels() {
        return pixels;
    }

    public int label(int i) {
        return labels[i];
    }

    public List<String> classNames() {
        return classNames;
    }

    /** The first {@code n} images (or all, if fewer). */
    public ImageSet limit(int n) {
        if (n <= 0 || n >= size()) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, n * imageBytes());
        return new ImageSet(channels, height, width, p, java.util.Arrays.copyOf(labels, n), classNames);
    }

    /** The images at {@code indices}, in that order. */
    public ImageSet select(int[] indices) {
        int bytes = imageBytes();
        byte[] p = new byte[indices.length * bytes];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * bytes, p, k * bytes, bytes);
            l[k] = labels[indices[k]];
        }
        return new ImageSet(channels, height, width, p, l, classNames);
    }

    /** Per-channel mean and standard deviation of pixels scaled to [0, 1]. */
    public float[][] meanStd() {
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        int plane = height * width;
        for (int i = 0; i < size(); i++) {
            int base = i * imageBytes();
            for (int c = 0; c < channels; c++) {
                long s = 0;
                long s2 = 0;
                for (int p = 0; p < plane; p++) {
                    int v = pixels[base + c * plane + p] & 0xff;
                    s += v;
                    s2 += (long) v * v;
                }
                sum[c] += s;
                sq[c] += s2;
            }
        }
        double n = (double) size() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            mean[c] = (float) (m / 255.0);
            std[c] = (float) (Math.sqrt(Math.max(sq[c] / n - m * m, 1e-12)) / 255.0);
        }
        return new float[][] {mean, std};
    }
}
