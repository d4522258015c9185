package dev.condensenet.pipeline.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Kind 2 of issue #12: damage the format itself can detect is a {@link FrameError#CORRUPT} dead letter
 * with a one-line reason, in every format: a JPEG whose decoder warns that data is missing or
 * undecodable (it would otherwise fill the rest with grey), a PNG critical chunk with a wrong CRC, image
 * data that ends early. Made from the shipped Trouser sample.
 */
class DetectableDamageTest {
    static final BufferedImage IMAGE = CameraFrames.sample(CameraFrames.TROUSER, 4);

    static BadFrameException corrupt(byte[] bytes, String what) {
        BadFrameException e = FrameDecoderTest.bad(ViewerRenderingTest.GRAY28, bytes);
        assertEquals(FrameError.CORRUPT, e.error(), what + ": " + e.getMessage());
        assertFalse(e.getMessage().isBlank() || e.getMessage().contains("\n"), what + ": one line: " + e.getMessage());
        return e;
    }

    @ParameterizedTest(name = "baseline JPEG cut at {0} %")
    @ValueSource(ints = {20, 50, 55, 60, 90, 99})
    void truncatedJpegIsCorrupt(int percent) {
        byte[] jpeg = CameraFrames.jpeg(CameraFrames.rgb(IMAGE));
        BadFrameException e = corrupt(Arrays.copyOf(jpeg, jpeg.length * percent / 100), percent + " %");
        assertTrue(e.getMessage().startsWith("JPEG image data is cut short or damaged"), e.getMessage());
    }

    @ParameterizedTest(name = "progressive JPEG cut at {0} %")
    @ValueSource(ints = {40, 90})
    void truncatedProgressiveJpegIsCorrupt(int percent) throws Exception {
        byte[] jpeg = progressive(CameraFrames.rgb(IMAGE));
        corrupt(Arrays.copyOf(jpeg, jpeg.length * percent / 100), "progressive, " + percent + " %");
    }

    @Test
    void jpegWithoutEndMarkerIsCorruptButPaddingIsNot() throws Exception {
        byte[] jpeg = CameraFrames.jpeg(IMAGE);
        corrupt(Arrays.copyOf(jpeg, jpeg.length - 2), "only EOI missing (libjpeg: premature end; PIL refuses it)");
        // Bytes libjpeg skips without losing image data: padding between segments, garbage after EOI.
        float[] reference = ViewerRenderingTest.decode(jpeg);
        byte[] padded = CameraFrames.insertSegments(jpeg, new byte[] {0, 0, 0});
        assertEquals(0f, ViewerRenderingTest.mad(reference, ViewerRenderingTest.decode(padded)), 1e-6, "padding");
        byte[] trailing = Arrays.copyOf(jpeg, jpeg.length + 100);
        assertEquals(0f, ViewerRenderingTest.mad(reference, ViewerRenderingTest.decode(trailing)), 1e-6, "after EOI");
    }

    @Test
    void pngCriticalChunkWithWrongCrcIsCorrupt() {
        byte[] png = TestImages.encode(IMAGE, "png");
        int ihdrCrc = 8 + 8 + 13; // signature, IHDR length+type, IHDR data
        for (String chunk : new String[] {"IHDR", "IDAT", "IEND"}) {
            byte[] bad = png.clone();
            int at = chunk.equals("IHDR") ? ihdrCrc : chunk.equals("IEND") ? png.length - 1 : indexOf(png, "IDAT") + 6;
            bad[at] ^= 0x5a;
            BadFrameException e = corrupt(bad, chunk);
            assertTrue(e.getMessage().contains(chunk), e.getMessage());
        }
        byte[] palette = TestImages.encode(BadFramesGenerator.palette(28, 28), "png");
        palette[indexOf(palette, "PLTE") + 6] ^= 1;
        assertTrue(corrupt(palette, "PLTE").getMessage().contains("PLTE"));
    }

    @Test
    void pngWithTooLittleImageDataIsCorrupt() {
        corrupt(BadFramesGenerator.shortImageData(IMAGE), "a complete zlib stream with half the rows");
    }

    @ParameterizedTest(name = "{0} cut inside its image data")
    @ValueSource(strings = {"png", "gif", "bmp"})
    void losslessFormatsCutInsideTheirImageDataAreCorrupt(String format) {
        byte[] full = format.equals("bmp") ? CameraFrames.bmp32(CameraFrames.rgb(IMAGE), 3, 255, 124)
                : TestImages.encode(format.equals("gif") ? IMAGE : CameraFrames.rgb(IMAGE), format);
        for (int percent : new int[] {60, 80, 95}) {
            corrupt(Arrays.copyOf(full, full.length * percent / 100), format + " cut at " + percent + " %");
        }
    }

    @ParameterizedTest(name = "{0} of 1204x1204 (subsampled while decoding) cut at 50 %")
    @ValueSource(strings = {"png", "gif", "bmp", "jpeg"})
    void largeImagesCutShortAreCorruptWhenSubsampledToo(String format) {
        BufferedImage big = CameraFrames.sample(CameraFrames.TROUSER, 43);
        byte[] full = format.equals("jpeg") ? CameraFrames.jpeg(big, 0.9f)
                : TestImages.encode(format.equals("gif") ? big : CameraFrames.rgb(big), format);
        DecoderSettings roomy = ViewerRenderingTest.GRAY28.withLimits(DecoderSettings.DEFAULT_MAX_PIXELS, 1 << 24);
        BadFrameException e = FrameDecoderTest.bad(roomy, Arrays.copyOf(full, full.length / 2));
        assertEquals(FrameError.CORRUPT, e.error(), format + ": " + e.getMessage());
    }

    @Test
    void bmpWithCompressionJavaCannotReadIsUnsupported() {
        byte[] bmp = CameraFrames.bmp32(CameraFrames.rgb(IMAGE), 6, 0, 40); // BI_ALPHABITFIELDS
        BadFrameException e = FrameDecoderTest.bad(ViewerRenderingTest.GRAY28, bmp);
        assertEquals(FrameError.UNSUPPORTED, e.error(), e.getMessage());
    }

    private static byte[] progressive(BufferedImage img) throws Exception {
        var w = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var s = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            w.write(null, new javax.imageio.IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, String type) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + t.length <= b.length; i++) {
            for (int j = 0; j < t.length; j++) {
                if (b[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(type + " not found");
    }
}
