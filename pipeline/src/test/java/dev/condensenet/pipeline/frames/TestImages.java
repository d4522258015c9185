package dev.condensenet.pipeline.frames;

import dev.condensenet.pipeline.produce.HeaderOnlyPng;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Builds encoded test images in memory (no files, no downloads). */
public final class TestImages {
    private TestImages() {}

    /** A gray image whose pixel (x, y) is {@code value(x, y)} in 0..255. */
    public static BufferedImage gray(int w, int h, java.util.function.IntBinaryOperator value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, value.applyAsInt(x, y));
            }
        }
        return img;
    }

    public static BufferedImage rgb(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    public static BufferedImage argb(int w, int h, int argb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format + " / type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PNG whose IHDR (valid CRC) declares {@code w}×{@code h} 8-bit gray, with no real pixel data. */
    public static byte[] pngHeaderOnly(int w, int h) {
        return HeaderOnlyPng.of(w, h);
    }
}
