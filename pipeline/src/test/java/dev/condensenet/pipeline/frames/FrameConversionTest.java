package dev.condensenet.pipeline.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * A frame decoded for one model input and converted for another equals the frame the decoder gives for that
 * other input directly, when the first decode lost nothing (the image has the first input's size).
 */
class FrameConversionTest {
    private static final float[] GRAY_MEAN = {0.2860406f};
    private static final float[] GRAY_STD = {0.35302424f};
    private static final float[] RGB_MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] RGB_STD = {0.247f, 0.2435f, 0.2616f};

    private static DecoderSettings input(int c, int size, float[] mean, float[] std) {
        return new DecoderSettings(c, size, size, mean, std, DecoderSettings.DEFAULT_MAX_PIXELS,
                DecoderSettings.DEFAULT_MAX_BYTES);
    }

    private static float[] decode(byte[] png, DecoderSettings s) throws BadFrameException {
        FrameDecoder d = new FrameDecoder(s);
        float[] out = new float[d.frameSize()];
        d.decode(png, out);
        return out;
    }

    private static void assertConvertsLikeADirectDecode(byte[] png, DecoderSettings from, DecoderSettings to)
            throws BadFrameException {
        float[] decoded = decode(png, from);
        FrameConversion conversion = new FrameConversion(from, to);
        assertEquals(decoded.length, conversion.inFrameSize());
        // two frames back to back, the second at an offset: frames are converted independently
        float[] in = new float[2 * decoded.length];
        System.arraycopy(decoded, 0, in, 0, decoded.length);
        System.arraycopy(decoded, 0, in, decoded.length, decoded.length);
        float[] out = new float[2 * conversion.outFrameSize()];
        conversion.convert(in, 2, out);
        float[] direct = decode(png, to);
        assertEquals(direct.length, conversion.outFrameSize());
        for (int i = 0; i < out.length; i++) {
            assertEquals(direct[i % direct.length], out[i], 2e-4f, "value " + i);
        }
    }

    @Test
    void grayToLargerRgbAsTheDecoderWouldHaveDoneIt() throws Exception {
        byte[] png = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * 9 + y * 5) % 256), "png");
        assertConvertsLikeADirectDecode(png, input(1, 28, GRAY_MEAN, GRAY_STD), input(3, 32, RGB_MEAN, RGB_STD));
    }

    @Test
    void grayToALargerGrayInput() throws Exception {
        byte[] png = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x * y) % 256), "png");
        assertConvertsLikeADirectDecode(png, input(1, 28, GRAY_MEAN, GRAY_STD), input(1, 32, new float[] {0.5f},
                new float[] {0.25f}));
    }

    @Test
    void rgbToSmallerGrayByLuma() throws Exception {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | ((x + y) * 4));
            }
        }
        byte[] png = TestImages.encode(img, "png");
        assertConvertsLikeADirectDecode(png, input(3, 32, RGB_MEAN, RGB_STD), input(1, 28, GRAY_MEAN, GRAY_STD));
    }

    @Test
    void onlyANewNormalisationIsAnAffineMapPerChannel() throws Exception {
        byte[] png = TestImages.encode(TestImages.gray(28, 28, (x, y) -> (x + 3 * y) % 256), "png");
        DecoderSettings job = input(1, 28, GRAY_MEAN, GRAY_STD);
        DecoderSettings retrained = input(1, 28, new float[] {0.5f}, GRAY_STD);
        assertTrue(FrameConversion.needed(job, retrained));
        assertFalse(FrameConversion.needed(job, input(1, 28, GRAY_MEAN, GRAY_STD)));
        assertConvertsLikeADirectDecode(png, job, retrained);
    }

    @Test
    void convertingAllocatesNothing() {
        FrameConversion c = new FrameConversion(input(1, 28, GRAY_MEAN, GRAY_STD), input(3, 32, RGB_MEAN, RGB_STD));
        float[] in = new float[4 * c.inFrameSize()];
        float[] out = new float[4 * c.outFrameSize()];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) {
            c.convert(in, 4, out);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            c.convert(in, 4, out);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, allocated + " bytes for 1,000 batches");
    }
}
