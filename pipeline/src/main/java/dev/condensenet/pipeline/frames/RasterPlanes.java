package dev.condensenet.pipeline.frames;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Copies a decoded image into float planes in [0, 1] (1 plane for gray, 3 for colour, CHW), placed
 * upright on its canvas: each stored pixel goes straight to its {@link Orientation}-mapped index, so
 * turning costs nothing extra.
 *
 * <p>Samples are read from the raster, not through Java2D colour management, so the values are what
 * PIL's {@code convert} gives: gray stays gray (Java would treat it as linear and brighten it), an RGB
 * image tagged with an ICC profile keeps its samples, CMYK uses PIL's conversion
 * {@code R = (255 − C)(255 − K) / 255}. Alpha is composited over black, the background of the
 * Fashion-MNIST style data; a caller may declare the alpha channel meaningless (see {@link FrameDecoder}).
 * One instance per decoder: not thread-safe, it keeps its buffers between frames.
 */
final class RasterPlanes {
    /** Upright canvas size of the last {@link #extract}. */
    int width;
    int height;
    float[] planes = new float[0];
    private int[] row = new int[0];
    private final float[] lut = new float[4 * 256];

    /**
     * Places the w×h {@code image} at ({@code left}, {@code top}) on a {@code canvasW}×{@code canvasH}
     * canvas (transparent outside the image), turned by {@code orientation}.
     *
     * @param ignoreAlpha treat the image as opaque even if its colour model has alpha
     * @return the number of planes written: 1 (gray) or 3 (R, G, B)
     */
    int extract(BufferedImage image, Orientation orientation, int canvasW, int canvasH, int left, int top,
                boolean ignoreAlpha) {
        int w = image.getWidth();
        int h = image.getHeight();
        width = orientation.swapsAxes() ? canvasH : canvasW;
        height = orientation.swapsAxes() ? canvasW : canvasH;
        int n = canvasW * canvasH;
        int[] place = orientation.place(canvasW, canvasH);
        int xStep = place[1];
        int yStep = place[2];
        int origin = place[0] + left * xStep + top * yStep;
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int spaceType = cm.getColorSpace().getType();
        boolean alpha = cm.hasAlpha() && !ignoreAlpha;
        boolean premultiplied = cm.isAlphaPremultiplied();
        boolean gray = !(cm instanceof IndexColorModel) && spaceType == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1 && bands == cm.getNumComponents();
        int channels = gray ? 1 : 3;
        ensure(channels * n, bands * w);
        if (w != canvasW || h != canvasH) {
            java.util.Arrays.fill(planes, 0, channels * n, 0f);
        }
        if (gray) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            float amax = cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 1f;
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, d = origin + y * yStep; x < w; x++, d += xStep) {
                    float v = row[x * bands] / max;
                    planes[d] = alpha && !premultiplied ? v * (row[x * bands + 1] / amax) : v;
                }
            }
        } else if (cm instanceof IndexColorModel icm && bands == 1) {
            int size = Math.min(icm.getMapSize(), 256);
            for (int i = 0; i < size; i++) {
                int argb = icm.getRGB(i);
                float a = alpha ? (argb >>> 24) / 255f : 1f;
                lut[4 * i] = ((argb >> 16) & 0xff) / 255f * a;
                lut[4 * i + 1] = ((argb >> 8) & 0xff) / 255f * a;
                lut[4 * i + 2] = (argb & 0xff) / 255f * a;
            }
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, d = origin + y * yStep; x < w; x++, d += xStep) {
                    int i = 4 * Math.min(row[x], size - 1);
                    planes[d] = lut[i];
                    planes[n + d] = lut[i + 1];
                    planes[2 * n + d] = lut[i + 2];
                }
            }
        } else if (spaceType == ColorSpace.TYPE_RGB && bands == cm.getNumComponents() && bands >= 3) {
            float rmax = (1L << cm.getComponentSize(0)) - 1;
            float gmax = (1L << cm.getComponentSize(1)) - 1;
            float bmax = (1L << cm.getComponentSize(2)) - 1;
            float amax = cm.hasAlpha() ? (1L << cm.getComponentSize(3)) - 1 : 1f;
            boolean scale = alpha && !premultiplied;
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, s = 0, d = origin + y * yStep; x < w; x++, s += bands, d += xStep) {
                    float a = scale ? row[s + 3] / amax : 1f;
                    planes[d] = row[s] / rmax * a;
                    planes[n + d] = row[s + 1] / gmax * a;
                    planes[2 * n + d] = row[s + 2] / bmax * a;
                }
            }
        } else if (spaceType == ColorSpace.TYPE_CMYK && bands == 4 && cm.getComponentSize(0) == 8) {
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, s = 0, d = origin + y * yStep; x < w; x++, s += 4, d += xStep) {
                    float k = (255 - row[s + 3]) / (255f * 255f);
                    planes[d] = (255 - row[s]) * k;
                    planes[n + d] = (255 - row[s + 1]) * k;
                    planes[2 * n + d] = (255 - row[s + 2]) * k;
                }
            }
        } else {
            // Anything else (rare colour spaces): Java2D's sRGB view of the pixel.
            for (int y = 0; y < h; y++) {
                for (int x = 0, d = origin + y * yStep; x < w; x++, d += xStep) {
                    int argb = image.getRGB(x, y);
                    float a = alpha ? (argb >>> 24) / 255f : 1f;
                    planes[d] = ((argb >> 16) & 0xff) / 255f * a;
                    planes[n + d] = ((argb >> 8) & 0xff) / 255f * a;
                    planes[2 * n + d] = (argb & 0xff) / 255f * a;
                }
            }
        }
        return channels;
    }

    /** Whether every alpha sample of the image is 0 (a colour model with alpha assumed). */
    boolean alphaAllZero(BufferedImage image) {
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int band = raster.getNumBands() - 1; // alpha is the last band of component and packed models
        ensure(0, w);
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getSamples(0, y, w, 1, band, row);
            for (int x = 0; x < w; x++) {
                if (row[x] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private void ensure(int planeFloats, int rowInts) {
        if (planes.length < planeFloats) {
            planes = new float[planeFloats];
        }
        if (row.length < rowInts) {
            row = new int[rowInts];
        }
    }
}
