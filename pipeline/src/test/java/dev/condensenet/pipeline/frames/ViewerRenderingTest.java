package dev.condensenet.pipeline.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kind 1 of issue #12: the decoder's pixels are the image a viewer shows (PIL's
 * {@code exif_transpose(...).convert(...)} as the reference), whatever the container says about geometry
 * and visibility, and whatever damaged metadata surrounds intact pixels. Every frame here is made from
 * the shipped Trouser sample, scaled to 112×112, and compared with the upright frame after decoding
 * (the model's 28×28 input, in [0, 1]): mean absolute difference ≤ 1/255 where the transform is
 * lossless; ≤ 1.5/255 for JPEGs, whose turned pixels are compressed in different blocks. Predictions of
 * the same frames: {@code CameraFramesPredictionTest}.
 */
class ViewerRenderingTest {
    static final DecoderSettings GRAY28 = new DecoderSettings(1, 28, 28, new float[] {0f}, new float[] {1f},
            DecoderSettings.DEFAULT_MAX_PIXELS, DecoderSettings.DEFAULT_MAX_BYTES);
    static final float LOSSLESS = 1f / 255;
    static final float JPEG = 1.5f / 255;
    static final BufferedImage UPRIGHT = CameraFrames.sample(CameraFrames.TROUSER, 4);

    static float[] decode(byte[] bytes) throws BadFrameException {
        return FrameDecoderTest.decode(GRAY28, bytes);
    }

    static float mad(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return (float) (sum / a.length);
    }

    static void assertLooksLike(float[] expected, float[] actual, float bound, String what) {
        float mad = mad(expected, actual);
        assertTrue(mad <= bound, what + ": mean absolute difference " + mad * 255 + "/255 > " + bound * 255 + "/255");
    }

    @ParameterizedTest(name = "JPEG, EXIF orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void jpegExifOrientationIsApplied(int tag) throws Exception {
        float[] upright = decode(CameraFrames.jpeg(UPRIGHT));
        float[] turned = decode(CameraFrames.jpegWithOrientation(UPRIGHT, tag));
        assertLooksLike(upright, turned, JPEG, "orientation " + tag);
        if (tag != 1) { // the stored pixels alone are a different picture: the test can fail
            float[] ignored = decode(CameraFrames.jpeg(CameraFrames.stored(UPRIGHT, tag)));
            assertTrue(mad(upright, ignored) > 10 * JPEG, "orientation " + tag + " changes the stored pixels");
        }
    }

    @ParameterizedTest(name = "PNG eXIf, orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void pngExifOrientationIsApplied(int tag) throws Exception {
        float[] upright = decode(TestImages.encode(UPRIGHT, "png"));
        assertLooksLike(upright, decode(CameraFrames.pngWithOrientation(UPRIGHT, tag)), LOSSLESS, "orientation " + tag);
    }

    @Test
    void orientationOfANonSquareImageSwapsItsAxesBeforeResizing() throws Exception {
        DecoderSettings s = new DecoderSettings(1, 12, 4, new float[] {0f}, new float[] {1f}, 1 << 20, 1 << 20);
        // Shown turned 90° clockwise (tag 6) a 120x40 image stands 40 wide, 120 high: the dark half on top.
        BufferedImage upright = TestImages.gray(40, 120, (x, y) -> y < 60 ? 30 : 220);
        float[] out = FrameDecoderTest.decode(s, CameraFrames.jpegWithOrientation(upright, 6));
        assertEquals(30f / 255, out[0], 2f / 255, "top row dark");
        assertEquals(220f / 255, out[11 * 4], 2f / 255, "bottom row light");
        assertEquals(120, CameraFrames.stored(upright, 6).getWidth(), "stored wide");
    }

    @Test
    void bmpAlphaThatMeansNothingIsOpaque() throws Exception {
        float[] upright = decode(TestImages.encode(UPRIGHT, "png"));
        BufferedImage rgb = CameraFrames.rgb(UPRIGHT);
        float[] reference = decode(TestImages.encode(rgb, "png"));
        // The row: V5 header, BI_BITFIELDS with an alpha mask, every alpha byte 0.
        assertLooksLike(reference, decode(CameraFrames.bmp32(rgb, 3, 0, 124)), LOSSLESS, "V5 bitfields, alpha 0");
        assertLooksLike(reference, decode(CameraFrames.bmp32(rgb, 3, 0, 108)), LOSSLESS, "V4 bitfields, alpha 0");
        // BI_RGB: the fourth byte is padding whatever it holds (Java's reader takes it as alpha with V4/V5).
        assertLooksLike(reference, decode(CameraFrames.bmp32(rgb, 0, 0, 124)), LOSSLESS, "V5 BI_RGB, byte 0");
        assertLooksLike(reference, decode(CameraFrames.bmp32(rgb, 0, 77, 124)), LOSSLESS, "V5 BI_RGB, byte 77");
        assertLooksLike(reference, decode(CameraFrames.bmp32(rgb, 0, 0, 40)), LOSSLESS, "V3 BI_RGB");
        assertLooksLike(reference, decode(CameraFrames.bmp32(rgb, 3, 255, 124)), LOSSLESS, "opaque alpha");
        // A real alpha channel still counts: half transparent over black is half as bright.
        float[] half = decode(CameraFrames.bmp32(rgb, 3, 128, 124));
        for (int i = 0; i < half.length; i++) {
            assertEquals(reference[i] * 128 / 255, half[i], 1e-3, "alpha 128 at " + i);
        }
        assertTrue(mad(upright, reference) < 20f / 255, "the tinted RGB still shows the sample");
    }

    @Test
    void gifFrameIsDrawnAtItsPlaceOnTheLogicalScreen() throws Exception {
        BufferedImage frame = CameraFrames.sample(CameraFrames.TROUSER, 2); // 56x56
        byte[] gif = CameraFrames.gifOnCanvas(frame, 112, 112, 40, 16);
        float[] expected = decode(TestImages.encode(CameraFrames.canvas(frame, 112, 112, 40, 16), "png"));
        assertLooksLike(expected, decode(gif), LOSSLESS, "frame at (40, 16) on 112x112");
        // A frame reaching past the screen grows the canvas, as PIL does.
        byte[] past = CameraFrames.gifOnCanvas(frame, 60, 60, 56, 56);
        float[] grown = decode(TestImages.encode(CameraFrames.canvas(frame, 112, 112, 56, 56), "png"));
        assertLooksLike(grown, decode(past), LOSSLESS, "frame past the screen");
    }

    @Test
    void gifCanvasCountsAgainstThePixelLimit() {
        byte[] gif = CameraFrames.gifOnCanvas(TestImages.gray(4, 4, (x, y) -> 9), 60000, 60000, 0, 0);
        BadFrameException e = FrameDecoderTest.bad(GRAY28, gif);
        assertEquals(FrameError.TOO_MANY_PIXELS, e.error(), e.getMessage());
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
    }

    @Test
    void embeddedIccProfilesAreNotAppliedAndDamagedOnesIgnored() throws Exception {
        BufferedImage rgb = CameraFrames.rgb(UPRIGHT);
        byte[] plain = CameraFrames.jpeg(rgb);
        float[] reference = decode(plain);
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        int half = linear.length / 2;
        byte[] first = Arrays.copyOf(linear, half);
        byte[] second = Arrays.copyOfRange(linear, half, linear.length);
        // A valid, non-sRGB profile: PIL keeps the samples; Java would convert them (linear → sRGB).
        assertLooksLike(reference, decode(CameraFrames.insertSegments(plain, CameraFrames.iccSegment(1, 1, linear))),
                LOSSLESS, "valid linear-RGB profile");
        // The row: two chunks that disagree on the count (1 of 2, 2 of 3).
        assertLooksLike(reference, decode(CameraFrames.insertSegments(plain, CameraFrames.iccSegment(1, 2, first),
                CameraFrames.iccSegment(2, 3, second))), LOSSLESS, "ICC chunks 1 of 2, 2 of 3");
        assertLooksLike(reference, decode(CameraFrames.insertSegments(plain, CameraFrames.iccSegment(1, 2, first))),
                LOSSLESS, "ICC chunk 2 of 2 missing");
        assertLooksLike(reference, decode(CameraFrames.insertSegments(plain, CameraFrames.iccSegment(0, 0, first))),
                LOSSLESS, "ICC chunk number 0 of 0");
        assertLooksLike(reference, decode(CameraFrames.insertSegments(plain,
                CameraFrames.iccSegment(1, 1, "not a profile".getBytes(StandardCharsets.US_ASCII)))),
                LOSSLESS, "garbage profile");
        // PNG: a valid iCCP (and gAMA) chunk is not applied either.
        byte[] png = TestImages.encode(rgb, "png");
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(linear);
        deflater.finish();
        byte[] z = new byte[linear.length + 1024];
        int n = deflater.deflate(z);
        deflater.end();
        byte[] iccp = new byte[5 + n];
        System.arraycopy("lin\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, iccp, 0, 5);
        System.arraycopy(z, 0, iccp, 5, n);
        float[] pngReference = decode(png);
        assertLooksLike(pngReference, decode(CameraFrames.insertChunk(png, "iCCP", iccp, true)), LOSSLESS, "PNG iCCP");
        assertLooksLike(pngReference, decode(CameraFrames.insertChunk(png, "gAMA", new byte[] {0, 1, (byte) 0x86, (byte) 0xa0},
                true)), LOSSLESS, "PNG gAMA 1.0");
    }

    @Test
    void damagedMetadataAroundIntactPixelsIsIgnored() throws Exception {
        byte[] plain = CameraFrames.jpeg(UPRIGHT);
        float[] reference = decode(plain);
        byte[] badTiff = {'M', 'M', 0, 42, 0, 0, 0, 8, (byte) 0xff, (byte) 0xff, 1, 18, 0, 3};
        byte[] exif = new byte[6 + badTiff.length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, exif, 0, 6);
        System.arraycopy(badTiff, 0, exif, 6, badTiff.length);
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] xmp = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta not xml".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] segment : new byte[][] {CameraFrames.segment(0xE1, exif), CameraFrames.segment(0xFE, binary),
            CameraFrames.segment(0xE1, xmp), CameraFrames.segment(0xEE, "Adobe\0".getBytes(StandardCharsets.US_ASCII))}) {
            assertLooksLike(reference, decode(CameraFrames.insertSegments(plain, segment)), LOSSLESS,
                    String.format("segment 0xff%02x", segment[1] & 0xff));
        }
        // EXIF before JFIF (some cameras), and an orientation tag with a value outside 1..8.
        byte[] app1 = CameraFrames.segment(0xE1, exif);
        byte[] reordered = new byte[plain.length + app1.length];
        System.arraycopy(plain, 0, reordered, 0, 2);
        System.arraycopy(app1, 0, reordered, 2, app1.length);
        System.arraycopy(plain, 2, reordered, 2 + app1.length, plain.length - 2);
        assertLooksLike(reference, decode(reordered), LOSSLESS, "EXIF before JFIF");
        byte[] nine = CameraFrames.exifOrientation(9);
        byte[] nineSegment = new byte[6 + nine.length];
        System.arraycopy(exif, 0, nineSegment, 0, 6);
        System.arraycopy(nine, 0, nineSegment, 6, nine.length);
        assertLooksLike(reference, decode(CameraFrames.insertSegments(plain, CameraFrames.segment(0xE1, nineSegment))),
                LOSSLESS, "orientation 9");

        byte[] png = TestImages.encode(UPRIGHT, "png");
        float[] pngReference = decode(png);
        byte[] text = "Comment\0hello".getBytes(StandardCharsets.ISO_8859_1);
        assertLooksLike(pngReference, decode(CameraFrames.insertChunk(png, "tEXt", text, false)), LOSSLESS,
                "tEXt with a bad CRC (ancillary: ignored, as libpng does)");
        assertLooksLike(pngReference, decode(CameraFrames.insertChunk(png, "iCCP", "p\0\0not zlib".getBytes(
                StandardCharsets.ISO_8859_1), true)), LOSSLESS, "iCCP that does not inflate");
        assertLooksLike(pngReference, decode(CameraFrames.insertChunk(png, "zTXt", "c\0\0not zlib".getBytes(
                StandardCharsets.ISO_8859_1), true)), LOSSLESS, "zTXt that does not inflate");
        assertLooksLike(pngReference, decode(CameraFrames.insertChunk(png, "eXIf", badTiff, true)), LOSSLESS,
                "eXIf that is not TIFF");
        byte[] storedPng = TestImages.encode(CameraFrames.stored(UPRIGHT, 6), "png");
        assertLooksLike(decode(storedPng), decode(CameraFrames.insertChunk(storedPng, "eXIf",
                CameraFrames.exifOrientation(6), false)), LOSSLESS, "eXIf with a bad CRC is dropped, as libpng does");
    }

    @Test
    void cmykJpegIsConvertedAsPilDoes() throws Exception {
        // PIL: R = (255 - C)(255 - K) / 255, where C..K are the decoded samples; with an Adobe APP14 marker the
        // stored samples are inverted (C = 255 - stored), so R = stored C * stored K / 255. Flat areas only.
        DecoderSettings rgb = new DecoderSettings(3, 4, 4, new float[] {0, 0, 0}, new float[] {1, 1, 1}, 1 << 20, 1 << 20);
        byte[] jpeg = BadFramesGenerator.cmykJpeg(32, 32, (x, y) -> new int[] {200, 100, 40, 30});
        float[] out = FrameDecoderTest.decode(rgb, jpeg);
        assertEquals(200 * 30 / 255f / 255, out[0], 2f / 255, "red");
        assertEquals(100 * 30 / 255f / 255, out[16], 2f / 255, "green");
        assertEquals(40 * 30 / 255f / 255, out[32], 2f / 255, "blue");
    }
}
