package dev.condensenet.pipeline.frames;

import dev.condensenet.pipeline.job.Testdata;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Frames as cameras, phones and other writers send them, made in Java from the shipped sample images:
 * the pixels stored turned with an EXIF orientation, a GIF frame on a larger canvas, 32-bit BMPs whose
 * alpha channel means nothing, and metadata (ICC, EXIF, comments) that is damaged around intact pixels.
 * The stored layouts follow the standards' words, not the decoder's code: EXIF 2.32 / TIFF 6.0 tag 274
 * ("the 0th row represents the visual right-hand side, the 0th column the visual top" for 6, ...).
 */
public final class CameraFrames {
    /** {@code testdata/fashion-mnist-sample/00002.png}: a Trouser (class 1). */
    public static final String TROUSER = "00002.png";
    public static final int TROUSER_CLASS = 1;

    private CameraFrames() {}

    /** A sample image scaled up by pixel replication (exact: every sample pixel becomes a k×k block). */
    public static BufferedImage sample(String file, int factor) {
        try {
            BufferedImage small = ImageIO.read(Testdata.fashionMnistSample().orElseThrow().resolve(file).toFile());
            int w = small.getWidth() * factor;
            int h = small.getHeight() * factor;
            return TestImages.gray(w, h, (x, y) -> small.getRaster().getSample(x / factor, y / factor, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample as RGB (gray in all three channels plus a tint), for the colour formats. */
    public static BufferedImage rgb(BufferedImage gray) {
        BufferedImage out = new BufferedImage(gray.getWidth(), gray.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < gray.getHeight(); y++) {
            for (int x = 0; x < gray.getWidth(); x++) {
                int v = gray.getRaster().getSample(x, y, 0);
                out.setRGB(x, y, (v << 16) | (v << 8) | Math.max(0, v - 20));
            }
        }
        return out;
    }

    /**
     * The pixels a camera stores for an image that is {@code upright} when shown with EXIF orientation
     * {@code tag} (1–8), per the tag's definition of where the stored 0th row and 0th column belong.
     */
    public static BufferedImage stored(BufferedImage upright, int tag) {
        int w = upright.getWidth();
        int h = upright.getHeight();
        boolean turned = tag >= 5;
        BufferedImage s = new BufferedImage(turned ? h : w, turned ? w : h, upright.getType());
        for (int y = 0; y < s.getHeight(); y++) {
            for (int x = 0; x < s.getWidth(); x++) {
                int[] u = switch (tag) {
                    case 1 -> new int[] {x, y};                    // row 0 top, column 0 left
                    case 2 -> new int[] {w - 1 - x, y};            // row 0 top, column 0 right
                    case 3 -> new int[] {w - 1 - x, h - 1 - y};    // row 0 bottom, column 0 right
                    case 4 -> new int[] {x, h - 1 - y};            // row 0 bottom, column 0 left
                    case 5 -> new int[] {y, x};                    // row 0 left, column 0 top
                    case 6 -> new int[] {w - 1 - y, x};            // row 0 right, column 0 top
                    case 7 -> new int[] {w - 1 - y, h - 1 - x};    // row 0 right, column 0 bottom
                    case 8 -> new int[] {y, h - 1 - x};            // row 0 left, column 0 bottom
                    default -> throw new IllegalArgumentException("orientation " + tag);
                };
                s.getRaster().setPixel(x, y, upright.getRaster().getPixel(u[0], u[1], (int[]) null));
            }
        }
        return s;
    }

    /** A big-endian TIFF structure with one IFD holding only Orientation (tag 274, SHORT) = {@code tag}. */
    public static byte[] exifOrientation(int tag) {
        return ByteBuffer.allocate(26).put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8)
                .putShort((short) 1).putShort((short) 274).putShort((short) 3).putInt(1).putShort((short) tag)
                .putShort((short) 0).putInt(0).array();
    }

    /** A JPEG (quality 1.0: quantization by 1, nearly lossless) of {@code img}. */
    public static byte[] jpeg(BufferedImage img) {
        return jpeg(img, 1f);
    }

    /** A baseline JPEG of {@code img} at {@code quality} (0–1, as ImageIO's writer takes it). */
    public static byte[] jpeg(BufferedImage img, float quality) {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** A JPEG as a phone writes it: stored turned, with an APP1 Exif segment saying how to show it. */
    public static byte[] jpegWithOrientation(BufferedImage upright, int tag) {
        byte[] exif = exifOrientation(tag);
        byte[] payload = ByteBuffer.allocate(6 + exif.length).put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1))
                .put(exif).array();
        return insertSegments(jpeg(stored(upright, tag)), segment(0xE1, payload));
    }

    /** A PNG with an {@code eXIf} chunk (PNG 1.5 extension) before its image data. */
    public static byte[] pngWithOrientation(BufferedImage upright, int tag) {
        return insertChunk(TestImages.encode(stored(upright, tag), "png"), "eXIf", exifOrientation(tag), true);
    }

    /** A JPEG segment: marker, 2-byte length (counting itself), payload. */
    public static byte[] segment(int marker, byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).put((byte) 0xFF).put((byte) marker)
                .putShort((short) (payload.length + 2)).put(payload).array();
    }

    /** An APP2 {@code ICC_PROFILE} chunk: sequence number, declared chunk count, profile bytes. */
    public static byte[] iccSegment(int seq, int count, byte[] data) {
        byte[] id = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
        return segment(0xE2, ByteBuffer.allocate(id.length + 2 + data.length).put(id).put((byte) seq)
                .put((byte) count).put(data).array());
    }

    /** {@code jpeg} with {@code segments} inserted after SOI and, if present, the JFIF APP0 segment. */
    public static byte[] insertSegments(byte[] jpeg, byte[]... segments) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
            at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, at);
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    /** A PNG chunk with its CRC. */
    public static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data)
                .putInt((int) crc.getValue()).array();
    }

    /** {@code png} with a chunk inserted right after IHDR; {@code intact} false breaks its CRC. */
    public static byte[] insertChunk(byte[] png, String type, byte[] data, boolean intact) {
        byte[] c = chunk(type, data);
        if (!intact) {
            c[c.length - 1] ^= 0x5a;
        }
        int afterIhdr = 8 + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        out.writeBytes(c);
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /**
     * A 32-bit BMP with a BITMAPV5HEADER (124 bytes): BI_BITFIELDS with masks R 0x00FF0000, G 0x0000FF00,
     * B 0x000000FF, A 0xFF000000 ({@code compression} 3), or BI_RGB ({@code compression} 0, masks unused),
     * each pixel's fourth byte = {@code alpha}; bottom-up rows.
     */
    public static byte[] bmp32(BufferedImage img, int compression, int alpha, int headerSize) {
        int w = img.getWidth();
        int h = img.getHeight();
        int pixels = 4 * w * h;
        int offset = 14 + headerSize;
        ByteBuffer b = ByteBuffer.allocate(offset + pixels).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(offset + pixels).putInt(0).putInt(offset);
        b.putInt(headerSize).putInt(w).putInt(h).putShort((short) 1).putShort((short) 32).putInt(compression)
                .putInt(pixels).putInt(2835).putInt(2835).putInt(0).putInt(0);
        if (headerSize >= 108) {
            b.putInt(0x00FF0000).putInt(0x0000FF00).putInt(0x000000FF).putInt(0xFF000000);
            b.putInt(0x73524742); // 'sRGB' colour space
            b.position(b.position() + 36 + 12); // endpoints, gamma (unused with sRGB)
        }
        if (headerSize >= 124) {
            b.putInt(4).putInt(0).putInt(0).putInt(0); // intent, profile data/size, reserved
        }
        for (int y = h - 1; y >= 0; y--) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                b.put((byte) rgb).put((byte) (rgb >> 8)).put((byte) (rgb >> 16)).put((byte) alpha);
            }
        }
        return b.array();
    }

    /**
     * A GIF whose logical screen is {@code screenW}×{@code screenH} and whose only frame ({@code img},
     * 8-bit gray palette) sits at ({@code left}, {@code top}).
     */
    public static byte[] gifOnCanvas(BufferedImage img, int screenW, int screenH, int left, int top) {
        BufferedImage indexed = img; // 8-bit gray: the writer turns it into a 256-level gray palette, exactly
        ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(indexed);
            IIOMetadata stream = w.getDefaultStreamMetadata(null);
            String sf = stream.getNativeMetadataFormatName();
            IIOMetadataNode sroot = (IIOMetadataNode) stream.getAsTree(sf);
            IIOMetadataNode screen = new IIOMetadataNode("LogicalScreenDescriptor");
            screen.setAttribute("logicalScreenWidth", Integer.toString(screenW));
            screen.setAttribute("logicalScreenHeight", Integer.toString(screenH));
            screen.setAttribute("colorResolution", "8");
            screen.setAttribute("pixelAspectRatio", "0");
            sroot.appendChild(screen);
            stream.setFromTree(sf, sroot);
            IIOMetadata image = w.getDefaultImageMetadata(type, null);
            String f = image.getNativeMetadataFormatName();
            IIOMetadataNode root = (IIOMetadataNode) image.getAsTree(f);
            IIOMetadataNode d = (IIOMetadataNode) root.getElementsByTagName("ImageDescriptor").item(0);
            d.setAttribute("imageLeftPosition", Integer.toString(left));
            d.setAttribute("imageTopPosition", Integer.toString(top));
            image.setFromTree(f, root);
            w.write(stream, new IIOImage(indexed, null, image), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** The image a viewer shows for {@link #gifOnCanvas}: the frame at its place, black (transparent) around. */
    public static BufferedImage canvas(BufferedImage img, int screenW, int screenH, int left, int top) {
        return TestImages.gray(screenW, screenH, (x, y) -> x >= left && y >= top && x < left + img.getWidth()
                && y < top + img.getHeight() ? img.getRaster().getSample(x - left, y - top, 0) : 0);
    }

    /** Smooth gradients plus noise: compresses like a photo, not like a flat test card. */
    public static BufferedImage textured(int w, int h, long seed) {
        java.util.Random r = new java.util.Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = (x * 255 / w + r.nextInt(24)) & 0xff;
                int green = (y * 255 / h + r.nextInt(24)) & 0xff;
                int blue = ((x + y) * 128 / (w + h) + r.nextInt(24)) & 0xff;
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return img;
    }
}
