package dev.condensenet.pipeline.frames;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns encoded image bytes into the model's normalized CHW input, with bounded work: the byte size
 * and the pixel count declared in the image header are checked before any pixel is decoded, so a tiny
 * file claiming 60000×60000 pixels costs nothing.
 *
 * <p>Pixels are read from the raster, not through Java2D colour conversion, because Java treats gray
 * images as linear gray and would brighten them on the way to sRGB. Alpha is composited over black
 * (the background of the Fashion-MNIST style data). One instance per subtask: not thread-safe, and it
 * keeps scratch buffers between frames.
 */
public final class FrameDecoder {
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp", "gif");

    private final DecoderSettings settings;
    private final int channels;
    private final int height;
    private final int width;
    private float[] planes = new float[0]; // source planes, [c][h][w], values in [0, 1]
    private float[] rowScratch = new float[0];
    private Resampler xs;
    private Resampler ys;

    public FrameDecoder(DecoderSettings settings) {
        this.settings = settings;
        this.channels = settings.channels;
        this.height = settings.height;
        this.width = settings.width;
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("model input must have 1 or 3 channels, not " + channels);
        }
    }

    /** Pixels per frame the model expects: channels × height × width. */
    public int frameSize() {
        return channels * height * width;
    }

    /** Decodes {@code bytes} into {@code out} (length {@link #frameSize()}), normalized with mean/std. */
    public void decode(byte[] bytes, float[] out) throws BadFrameException {
        if (bytes == null || bytes.length == 0) {
            throw new BadFrameException(FrameError.EMPTY, "empty record value (no image bytes)");
        }
        if (bytes.length > settings.maxBytes) {
            throw new BadFrameException(FrameError.TOO_LARGE, "record value is " + bytes.length
                    + " bytes, over the limit of " + settings.maxBytes);
        }
        BufferedImage image = read(bytes);
        int srcChannels = extract(image);
        resizeAndNormalize(srcChannels, image.getWidth(), image.getHeight(), out);
    }

    private BufferedImage read(byte[] bytes) throws BadFrameException {
        // A memory-backed stream: ImageIO's default may create a temp-file cache per image.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = pickReader(in, bytes);
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toUpperCase(Locale.ROOT);
                long w;
                long h;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new BadFrameException(FrameError.CORRUPT, format + " header unreadable: " + message(e));
                }
                if (w <= 0 || h <= 0) {
                    throw new BadFrameException(FrameError.CORRUPT, format + " header declares " + w + "x" + h);
                }
                if (w * h > settings.maxPixels) {
                    throw new BadFrameException(FrameError.TOO_MANY_PIXELS, format + " declares " + w + "x" + h
                            + " = " + (w * h) + " pixels, over the limit of " + settings.maxPixels);
                }
                try {
                    // Far larger than the model input: let the decoder skip pixels (bounded memory and
                    // time); keep >= 2x the target so the antialiased resize still has data to average.
                    ImageReadParam param = reader.getDefaultReadParam();
                    // Per axis, so an extreme aspect ratio cannot defeat it.
                    int stepX = (int) Math.max(1, w / width / 2);
                    int stepY = (int) Math.max(1, h / height / 2);
                    if (stepX > 1 || stepY > 1) {
                        param.setSourceSubsampling(stepX, stepY, 0, 0);
                    }
                    BufferedImage image = reader.read(0, param);
                    if (image == null) {
                        throw new BadFrameException(FrameError.CORRUPT, format + " decoded to nothing");
                    }
                    return image;
                } catch (javax.imageio.IIOException e) {
                    String m = message(e);
                    FrameError kind = m.toLowerCase(Locale.ROOT).contains("unsupported")
                            ? FrameError.UNSUPPORTED : FrameError.CORRUPT;
                    throw new BadFrameException(kind, format + " cannot be decoded: " + m);
                } catch (IOException | RuntimeException e) {
                    throw new BadFrameException(FrameError.CORRUPT, format + " cannot be decoded: " + message(e));
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new BadFrameException(FrameError.CORRUPT, "cannot read image: " + message(e));
        }
    }

    private static ImageReader pickReader(ImageInputStream in, byte[] bytes) throws BadFrameException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            String name;
            try {
                name = r.getFormatName().toLowerCase(Locale.ROOT);
            } catch (IOException e) {
                name = "";
            }
            if (FORMATS.contains(name)) {
                return r;
            }
            r.dispose();
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            head.append(String.format("%02x", bytes[i] & 0xff));
        }
        throw new BadFrameException(FrameError.UNKNOWN_FORMAT,
                "not a PNG, JPEG, BMP or GIF image (" + bytes.length + " bytes starting 0x" + head + ")");
    }

    /** Copies the image into {@link #planes} as 1 (gray) or 3 (RGB) planes in [0, 1]; returns the count. */
    private int extract(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        boolean gray = cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1 && raster.getNumBands() == cm.getNumComponents();
        int n = w * h;
        if (gray) {
            ensurePlanes(n);
            float max = (1 << cm.getComponentSize(0)) - 1;
            boolean alpha = cm.hasAlpha();
            float amax = alpha ? (1 << cm.getComponentSize(1)) - 1 : 1f;
            for (int y = 0, i = 0; y < h; y++) {
                for (int x = 0; x < w; x++, i++) {
                    float v = raster.getSample(x, y, 0) / max;
                    planes[i] = alpha ? v * (raster.getSample(x, y, 1) / amax) : v;
                }
            }
            return 1;
        }
        // Everything else (RGB, indexed, 16-bit) goes through the colour model's sRGB view.
        ensurePlanes(3 * n);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                int argb = image.getRGB(x, y);
                float a = (argb >>> 24) / 255f;
                planes[i] = ((argb >> 16) & 0xff) / 255f * a;
                planes[n + i] = ((argb >> 8) & 0xff) / 255f * a;
                planes[2 * n + i] = (argb & 0xff) / 255f * a;
            }
        }
        return 3;
    }

    private void ensurePlanes(int size) {
        if (planes.length < size) {
            planes = new float[size];
        }
    }

    private void resizeAndNormalize(int srcChannels, int w, int h, float[] out) {
        int n = w * h;
        if (srcChannels == 3 && channels == 1) {
            for (int i = 0; i < n; i++) { // ITU-R BT.601 luma, as PIL's convert("L")
                planes[i] = 0.299f * planes[i] + 0.587f * planes[n + i] + 0.114f * planes[2 * n + i];
            }
            srcChannels = 1;
        }
        if (xs == null || !xs.matches(w, width)) {
            xs = new Resampler(w, width);
        }
        if (ys == null || !ys.matches(h, height)) {
            ys = new Resampler(h, height);
        }
        if (rowScratch.length < h * width) {
            rowScratch = new float[h * width];
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int src = srcChannels == 1 ? 0 : c; // gray input feeds every channel of an RGB model
            xs.rows(planes, src * n, h, rowScratch);
            ys.columns(rowScratch, width, out, c * plane);
            float mean = settings.mean[c];
            float inv = 1f / settings.std[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = (out[i] - mean) * inv;
            }
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
