package dev.condensenet.pipeline.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {
    /** A gray 28×28 model normalizing with mean 0.5, std 0.25: a pixel p in 0..255 → (p/255 − 0.5)·4. */
    static final DecoderSettings GRAY = new DecoderSettings(1, 28, 28, new float[] {0.5f},
            new float[] {0.25f}, 10_000, 1 << 20);
    static final DecoderSettings RGB = new DecoderSettings(3, 8, 8, new float[] {0f, 0f, 0f},
            new float[] {1f, 1f, 1f}, 10_000, 1 << 20);

    static float norm(int p) {
        return (p / 255f - 0.5f) * 4f;
    }

    static float[] decode(DecoderSettings s, byte[] bytes) throws BadFrameException {
        FrameDecoder d = new FrameDecoder(s);
        float[] out = new float[d.frameSize()];
        d.decode(bytes, out);
        return out;
    }

    static BadFrameException bad(DecoderSettings s, byte[] bytes) {
        return assertThrows(BadFrameException.class, () -> decode(s, bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "gif"})
    void losslessGrayFormatsDecodeExactly(String format) throws Exception {
        BufferedImage img = TestImages.gray(28, 28, (x, y) -> (x * 9 + y * 3) % 256);
        float[] out = decode(GRAY, TestImages.encode(img, format));
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(norm((x * 9 + y * 3) % 256), out[y * 28 + x], 1e-5, format + " at " + x + "," + y);
            }
        }
    }

    @Test
    void jpegDecodesApproximately() throws Exception {
        float[] out = decode(GRAY, TestImages.encode(TestImages.gray(28, 28, (x, y) -> 200), "jpeg"));
        for (float v : out) {
            assertEquals(norm(200), v, 0.05);
        }
    }

    @Test
    void rgbIsConvertedToLumaForAGrayModel() throws Exception {
        int r = 200;
        int g = 100;
        int b = 50;
        float[] out = decode(GRAY, TestImages.encode(TestImages.rgb(28, 28, (r << 16) | (g << 8) | b), "png"));
        float luma = 0.299f * r / 255 + 0.587f * g / 255 + 0.114f * b / 255;
        assertEquals((luma - 0.5f) * 4f, out[0], 1e-4);
        assertEquals(out[0], out[27 * 28 + 27], 1e-6);
    }

    @Test
    void grayFeedsEveryChannelOfAnRgbModel() throws Exception {
        float[] out = decode(RGB, TestImages.encode(TestImages.gray(8, 8, (x, y) -> 51), "png"));
        for (float v : out) {
            assertEquals(0.2f, v, 1e-5);
        }
    }

    @Test
    void rgbChannelsStaySeparateForAnRgbModel() throws Exception {
        float[] out = decode(RGB, TestImages.encode(TestImages.rgb(8, 8, 0xff8000), "png"));
        assertEquals(1f, out[0], 1e-5);
        assertEquals(128f / 255f, out[64], 1e-5);
        assertEquals(0f, out[128], 1e-5);
    }

    @Test
    void alphaIsCompositedOverBlack() throws Exception {
        // White at 50% opacity → 0.5 gray (127.5/255), i.e. 0 after normalization.
        float[] out = decode(GRAY, TestImages.encode(TestImages.argb(28, 28, 0x80ffffff), "png"));
        assertEquals(norm(128), out[5], 0.01);
    }

    @Test
    void downscalesByAveragingBlocks() throws Exception {
        // 56×56 made of 2×2 blocks: each block becomes one output pixel with the block's value.
        BufferedImage img = TestImages.gray(56, 56, (x, y) -> ((x / 2) * 7 + (y / 2) * 5) % 256);
        float[] out = decode(GRAY, TestImages.encode(img, "png"));
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                // The 2× triangle filter spans 4 source pixels: the block (weights 3/8) and its
                // neighbours (1/8); a brute-force reference of the same filter gives the exact value.
                float expect = blockFiltered(img, x, y);
                assertEquals(expect, out[y * 28 + x], 1e-4, "at " + x + "," + y);
            }
        }
    }

    private static float blockFiltered(BufferedImage img, int ox, int oy) {
        float[] wx = weights(ox, 56);
        float[] wy = weights(oy, 56);
        float acc = 0;
        float sum = 0;
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                float w = wx[x] * wy[y];
                acc += w * norm(img.getRaster().getSample(x, y, 0));
                sum += w;
            }
        }
        return acc / sum;
    }

    private static float[] weights(int o, int n) {
        float[] w = new float[n];
        double center = (o + 0.5) * 2;
        for (int j = 0; j < n; j++) {
            w[j] = (float) Math.max(0, 1 - Math.abs((j + 0.5 - center) / 2));
        }
        return w;
    }

    @Test
    void upscalesAConstantImageToTheSameConstant() throws Exception {
        float[] out = decode(GRAY, TestImages.encode(TestImages.gray(5, 9, (x, y) -> 77), "png"));
        for (float v : out) {
            assertEquals(norm(77), v, 1e-5);
        }
    }

    @Test
    void largeAndExtremeAspectImagesDecodeCorrectlyThroughSubsampling() throws Exception {
        DecoderSettings roomy = GRAY.withLimits(10_000_000, 1 << 24);
        for (int[] size : new int[][] {{3000, 2000}, {40000, 3}, {3, 40000}}) {
            byte[] png = TestImages.encode(TestImages.gray(size[0], size[1], (x, y) -> 90), "png");
            float[] out = decode(roomy, png);
            for (float v : out) {
                assertEquals(norm(90), v, 1e-5, size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void sixteenBitGrayIsScaledToTheUnitRange() throws Exception {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                img.getRaster().setSample(x, y, 0, 65535);
            }
        }
        float[] out = decode(GRAY, TestImages.encode(img, "png"));
        assertEquals(norm(255), out[100], 1e-5);
    }

    @Test
    void emptyAndNullAreRefused() {
        assertEquals(FrameError.EMPTY, bad(GRAY, new byte[0]).error());
        assertEquals(FrameError.EMPTY, bad(GRAY, null).error());
    }

    @Test
    void textAndRandomBytesAreUnknownFormats() {
        BadFrameException e = bad(GRAY, "hello, not an image".getBytes(StandardCharsets.UTF_8));
        assertEquals(FrameError.UNKNOWN_FORMAT, e.error());
        assertTrue(e.getMessage().contains("0x68656c6c6f"), e.getMessage());
        byte[] noise = new byte[500];
        new Random(1).nextBytes(noise);
        assertEquals(FrameError.UNKNOWN_FORMAT, bad(GRAY, noise).error());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
    void truncatedImagesAreCorrupt(String format) {
        byte[] full = TestImages.encode(TestImages.gray(28, 28, (x, y) -> x * y % 256), format);
        BadFrameException e = bad(GRAY, Arrays.copyOf(full, full.length / 2));
        assertEquals(FrameError.CORRUPT, e.error(), e.getMessage());
        assertTrue(e.getMessage().startsWith(format.toUpperCase()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeDecoding() {
        byte[] bomb = TestImages.pngHeaderOnly(60000, 60000);
        long t0 = System.nanoTime();
        BadFrameException e = bad(GRAY, bomb);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(FrameError.TOO_MANY_PIXELS, e.error());
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
        assertTrue(ms < 1000, "took " + ms + " ms");
    }

    @Test
    void pixelLimitIsInclusive() throws Exception {
        DecoderSettings tight = GRAY.withLimits(28 * 28, 1 << 20);
        decode(tight, TestImages.encode(TestImages.gray(28, 28, (x, y) -> 1), "png"));
        assertEquals(FrameError.TOO_MANY_PIXELS,
                bad(tight, TestImages.encode(TestImages.gray(29, 28, (x, y) -> 1), "png")).error());
    }

    @Test
    void oversizedRecordIsRefused() {
        DecoderSettings small = GRAY.withLimits(10_000, 100);
        byte[] png = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * 31 + y * 17) % 256), "png");
        assertTrue(png.length > 100);
        assertEquals(FrameError.TOO_LARGE, bad(small, png).error());
    }

    @Test
    void decoderIsReusableAcrossSizesAndAfterErrors() throws Exception {
        FrameDecoder d = new FrameDecoder(GRAY);
        float[] out = new float[d.frameSize()];
        d.decode(TestImages.encode(TestImages.gray(100, 50, (x, y) -> 10), "png"), out);
        assertEquals(norm(10), out[0], 1e-5);
        assertThrows(BadFrameException.class, () -> d.decode(new byte[] {1, 2, 3}, out));
        d.decode(TestImages.encode(TestImages.gray(28, 28, (x, y) -> 240), "png"), out);
        float[] expect = new float[out.length];
        Arrays.fill(expect, norm(240));
        assertArrayEquals(expect, out, 1e-5f);
    }
}
