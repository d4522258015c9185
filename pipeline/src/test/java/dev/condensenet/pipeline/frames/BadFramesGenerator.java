package dev.condensenet.pipeline.frames;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes the files of {@code testdata/bad-frames/}. Run once by hand: {@code java -cp <test classpath> ...BadFramesGenerator DIR}; the
 * files are committed, so tests read exactly what is documented. Deterministic (fixed seeds).
 */
public final class BadFramesGenerator {
    private BadFramesGenerator() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Random r = new Random(7);
        byte[] png = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * 9 + y * 3) & 0xff), "png");
        byte[] jpeg = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * 5 + y * 7) & 0xff), "jpeg");
        byte[] gif = TestImages.encode(TestImages.gray(28, 28, (x, y) -> x * 9), "gif");
        byte[] bmp = TestImages.encode(TestImages.gray(28, 28, (x, y) -> y * 9), "bmp");
        write(dir, "empty.bin", new byte[0]);
        write(dir, "one-byte.bin", new byte[] {0x42});
        write(dir, "text.txt", "this is not an image\n".getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[4096];
        r.nextBytes(noise);
        write(dir, "random.bin", noise);
        write(dir, "truncated.png", Arrays.copyOf(png, png.length / 2));
        write(dir, "truncated.jpg", Arrays.copyOf(jpeg, 120));
        write(dir, "truncated.gif", Arrays.copyOf(gif, gif.length / 2));
        write(dir, "truncated.bmp", Arrays.copyOf(bmp, 100));
        // Valid signature and IHDR (33 bytes), then noise instead of IDAT chunks.
        byte[] garbage = Arrays.copyOf(png, 33 + 500);
        byte[] tail = new byte[500];
        r.nextBytes(tail);
        System.arraycopy(tail, 0, garbage, 33, 500);
        write(dir, "png-header-then-garbage.png", garbage);
        byte[] badCrc = png.clone();
        badCrc[29] ^= 0x5a; // inside IHDR's CRC (bytes 29..32); the data itself is intact
        write(dir, "bad-crc.png", badCrc);
        write(dir, "zero-width.png", TestImages.pngHeaderOnly(0, 28));
        write(dir, "bomb-60000x60000.png", TestImages.pngHeaderOnly(60000, 60000));
        write(dir, "over-pixel-limit-6000x5000.png", TestImages.encode(TestImages.gray(6000, 5000, (x, y) -> 128), "png"));
        write(dir, "huge-4000x4000.png", TestImages.encode(TestImages.gray(4000, 4000, (x, y) -> (x / 500 + y / 500) * 15), "png"));
        write(dir, "extreme-aspect-20000x1.png", TestImages.encode(TestImages.gray(20000, 1, (x, y) -> x & 0xff), "png"));
        write(dir, "one-pixel.png", TestImages.encode(TestImages.gray(1, 1, (x, y) -> 200), "png"));
        write(dir, "gray16.png", TestImages.encode(gray16(28, 28), "png"));
        write(dir, "rgb48.png", TestImages.encode(rgb48(28, 28), "png"));
        write(dir, "alpha.png", TestImages.encode(TestImages.argb(28, 28, 0x80ff8040), "png"));
        write(dir, "palette.png", TestImages.encode(palette(28, 28), "png"));
        write(dir, "gray.jpg", jpeg);
        write(dir, "cmyk.jpg", cmykJpeg(28, 28, (x, y) -> new int[] {x * 9, y * 9, 40, 10}));
        write(dir, "progressive.jpg", progressiveJpeg(TestImages.rgb(40, 30, 0x3366cc)));
        write(dir, "animated.gif", animatedGif());
        write(dir, "image.tif", TestImages.encode(TestImages.gray(28, 28, (x, y) -> x * 9), "tiff"));
        // A real, valid image over the tests' --max-frame-bytes of 200000 (noise does not compress).
        BufferedImage big = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 300; x++) {
                big.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        write(dir, "over-size-limit.png", TestImages.encode(big, "png"));
        write(dir, "good.png", png);
        cameraFrames(dir);
    }

    /**
     * Issue #12's kinds, made from the shipped Trouser sample (112×112): frames a viewer shows upright,
     * damage the format detects, damaged metadata around intact pixels.
     */
    private static void cameraFrames(Path dir) throws IOException {
        BufferedImage trouser = CameraFrames.sample(CameraFrames.TROUSER, 4);
        for (int tag = 2; tag <= 8; tag++) {
            write(dir, "exif-orientation-" + tag + ".jpg", CameraFrames.jpegWithOrientation(trouser, tag));
        }
        write(dir, "exif-orientation-6.png", CameraFrames.pngWithOrientation(trouser, 6));
        byte[] jpeg = CameraFrames.jpeg(trouser);
        byte[] icc = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        int half = icc.length / 2;
        write(dir, "icc-inconsistent-markers.jpg", CameraFrames.insertSegments(jpeg,
                CameraFrames.iccSegment(1, 2, Arrays.copyOf(icc, half)),
                CameraFrames.iccSegment(2, 3, Arrays.copyOfRange(icc, half, icc.length))));
        byte[] badExif = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, (byte) 0xff, (byte) 0xff, 1, 18};
        byte[] comment = new byte[256];
        for (int i = 0; i < comment.length; i++) {
            comment[i] = (byte) i;
        }
        write(dir, "damaged-exif-and-comment.jpg", CameraFrames.insertSegments(jpeg,
                CameraFrames.segment(0xE1, badExif), CameraFrames.segment(0xFE, comment)));
        BufferedImage rgb = CameraFrames.rgb(trouser);
        write(dir, "bmp32-v5-zero-alpha.bmp", CameraFrames.bmp32(rgb, 3, 0, 124));
        write(dir, "bmp32-alphabitfields.bmp", CameraFrames.bmp32(rgb, 6, 0, 40));
        write(dir, "gif-frame-on-canvas.gif", CameraFrames.gifOnCanvas(CameraFrames.sample(CameraFrames.TROUSER, 2),
                112, 112, 28, 28));
        write(dir, "truncated-55pct.jpg", Arrays.copyOf(jpeg, jpeg.length * 55 / 100));
        write(dir, "no-eoi.jpg", Arrays.copyOf(jpeg, jpeg.length - 2));
        byte[] trouserPng = TestImages.encode(trouser, "png");
        write(dir, "bad-crc-ancillary.png", CameraFrames.insertChunk(trouserPng, "tEXt",
                "Comment\0damaged".getBytes(StandardCharsets.ISO_8859_1), false));
        write(dir, "short-image-data.png", shortImageData(trouser));
    }

    /** A PNG whose complete, valid zlib stream holds only the first half of the rows (libpng: "Not enough image data"). */
    static byte[] shortImageData(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (int y = 0; y < h / 2; y++) {
            rows.write(0);
            for (int x = 0; x < w; x++) {
                rows.write(img.getRaster().getSample(x, y, 0));
            }
        }
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(rows.toByteArray());
        deflater.finish();
        byte[] z = new byte[rows.size() + 1024];
        int length = deflater.deflate(z);
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        png.writeBytes(CameraFrames.chunk("IHDR", java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8)
                .put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array()));
        png.writeBytes(CameraFrames.chunk("IDAT", Arrays.copyOf(z, length)));
        png.writeBytes(CameraFrames.chunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }

    private static BufferedImage gray16(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, x * 2300 + y * 17);
            }
        }
        return img;
    }

    private static BufferedImage rgb48(int w, int h) {
        var cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        var cm = new java.awt.image.ComponentColorModel(cs, false, false, java.awt.Transparency.OPAQUE,
                java.awt.image.DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setPixel(x, y, new int[] {x * 2300, y * 2300, 30000});
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    static BufferedImage palette(int w, int h) {
        byte[] red = {0, (byte) 255, 0, 0};
        byte[] green = {0, 0, (byte) 255, 0};
        byte[] blue = {0, 0, 0, (byte) 255};
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(2, 4, red, green, blue));
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, (x / 7 + y / 7) & 3);
            }
        }
        return img;
    }

    private static byte[] progressiveJpeg(BufferedImage img) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** A four-component (CMYK) baseline JPEG, as print workflows and some scanners write them. */
    static byte[] cmykJpeg(int w, int h, java.util.function.BiFunction<Integer, Integer, int[]> cmyk) throws IOException {
        WritableRaster r = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setPixel(x, y, cmyk.apply(x, y));
            }
        }
        ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            wr.setOutput(s);
            wr.write(null, new IIOImage(r, null, null), wr.getDefaultWriteParam());
        } finally {
            wr.dispose();
        }
        // Adobe APP14 marker with transform 0 right after SOI: what Photoshop writes, and what tells
        // readers the four components are CMYK.
        byte[] jpeg = out.toByteArray();
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        ByteArrayOutputStream withMarker = new ByteArrayOutputStream();
        withMarker.write(jpeg, 0, 2);
        withMarker.write(app14, 0, app14.length);
        withMarker.write(jpeg, 2, jpeg.length - 2);
        return withMarker.toByteArray();
    }

    /** Three 28×28 frames in one GIF (the decoder reads the first). */
    private static byte[] animatedGif() throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            w.prepareWriteSequence(null);
            for (int f = 0; f < 3; f++) {
                int shift = f * 40;
                BufferedImage img = TestImages.gray(28, 28, (x, y) -> (x * 9 + shift) & 0xff);
                ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(img);
                IIOMetadata meta = w.getDefaultImageMetadata(type, null);
                String fmt = meta.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(fmt);
                IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", "10");
                gce.setAttribute("transparentColorIndex", "0");
                root.appendChild(gce);
                meta.setFromTree(fmt, root);
                w.writeToSequence(new IIOImage(img, null, meta), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }
}
