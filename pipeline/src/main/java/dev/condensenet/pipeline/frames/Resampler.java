package dev.condensenet.pipeline.frames;

/**
 * Separable linear resampling with an antialiasing triangle filter (PIL's BILINEAR): when shrinking,
 * the filter widens to the scale factor so every source pixel contributes; when the sizes match it is
 * an exact copy. Weights for one axis are computed once per (source, target) size and reused, because
 * a camera stream keeps its resolution.
 */
final class Resampler {
    final int src;
    final int dst;
    /** For target pixel i: first source index, number of taps, and taps at weights[i * maxTaps ...]. */
    final int[] first;
    final int[] taps;
    final float[] weights;
    final int maxTaps;

    Resampler(int src, int dst) {
        this.src = src;
        this.dst = dst;
        double scale = (double) src / dst;
        double support = Math.max(1.0, scale);
        this.maxTaps = (int) Math.ceil(support) * 2 + 1;
        this.first = new int[dst];
        this.taps = new int[dst];
        this.weights = new float[dst * maxTaps];
        for (int i = 0; i < dst; i++) {
            double center = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(src, (int) Math.ceil(center + support));
            double sum = 0;
            int n = 0;
            for (int j = lo; j < hi && n < maxTaps; j++, n++) {
                double w = Math.max(0.0, 1.0 - Math.abs((j + 0.5 - center) / support));
                weights[i * maxTaps + n] = (float) w;
                sum += w;
            }
            // Trim zero-weight taps at the ends so exact copies cost one tap per pixel.
            int start = 0;
            while (start < n - 1 && weights[i * maxTaps + start] == 0f) {
                start++;
            }
            int end = n;
            while (end > start + 1 && weights[i * maxTaps + end - 1] == 0f) {
                end--;
            }
            for (int k = start; k < end; k++) {
                weights[i * maxTaps + k - start] = (float) (weights[i * maxTaps + k] / sum);
            }
            first[i] = lo + start;
            taps[i] = end - start;
        }
    }

    boolean matches(int src, int dst) {
        return this.src == src && this.dst == dst;
    }

    /**
     * Resamples the plane at {@code in[inOffset]} (h rows of {@code src} values) along x into
     * {@code out} (h rows of {@code dst} values).
     */
    void rows(float[] in, int inOffset, int h, float[] out) {
        for (int y = 0; y < h; y++) {
            int inRow = inOffset + y * src;
            int outRow = y * dst;
            for (int i = 0; i < dst; i++) {
                int w0 = i * maxTaps;
                int j0 = inRow + first[i];
                float acc = 0f;
                for (int k = 0, n = taps[i]; k < n; k++) {
                    acc += weights[w0 + k] * in[j0 + k];
                }
                out[outRow + i] = acc;
            }
        }
    }

    /**
     * Resamples the plane {@code in} (src rows of {@code w} values) along y into {@code out} at
     * {@code outOffset} (dst rows of {@code w} values).
     */
    void columns(float[] in, int w, float[] out, int outOffset) {
        for (int i = 0; i < dst; i++) {
            int w0 = i * maxTaps;
            int outRow = outOffset + i * w;
            for (int x = 0; x < w; x++) {
                out[outRow + x] = 0f;
            }
            for (int k = 0, n = taps[i]; k < n; k++) {
                float wk = weights[w0 + k];
                int inRow = (first[i] + k) * w;
                for (int x = 0; x < w; x++) {
                    out[outRow + x] += wk * in[inRow + x];
                }
            }
        }
    }
}
