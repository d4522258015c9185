package dev.condensenet.pipeline.frames;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decode cost per frame ({@link FrameDecoder#decode}: container checks, decoding, orientation,
 * resize to the shipped model's 1×28×28), for the frame kinds cameras send. Not a test: a measurement for
 * BENCHMARKS.md, run by hand (command there). Frames are made here, deterministically, from the sample
 * images. Prints median and p90 microseconds of CPU time per frame and bytes allocated per frame, per
 * kind, over {@code rounds} rounds after a warm-up; only public API is used, so the same class measures
 * an older decoder put first on the classpath.
 */
public final class DecodeCostProbe {
    private DecodeCostProbe() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Map<String, byte[]> frames = frames();
        DecoderSettings settings = new DecoderSettings(1, 28, 28, new float[] {0.29f}, new float[] {0.35f},
                DecoderSettings.DEFAULT_MAX_PIXELS, DecoderSettings.DEFAULT_MAX_BYTES);
        FrameDecoder decoder = new FrameDecoder(settings);
        float[] out = new float[decoder.frameSize()];
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Map.Entry<String, byte[]> f : frames.entrySet()) {
            int n = f.getValue().length > 1_000_000 ? Math.max(20, rounds / 10) : rounds;
            for (int i = 0; i < Math.max(10, n / 4); i++) { // warm-up
                decoder.decode(f.getValue(), out);
            }
            long[] cpu = new long[n];
            long allocated = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                long t0 = threads.getCurrentThreadCpuTime();
                decoder.decode(f.getValue(), out);
                cpu[i] = threads.getCurrentThreadCpuTime() - t0;
            }
            allocated = (threads.getCurrentThreadAllocatedBytes() - allocated) / n;
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "%-40s %9d bytes  median %9.1f us  p90 %9.1f us  %10d B allocated/frame%n",
                    f.getKey(), f.getValue().length, cpu[n / 2] / 1e3, cpu[n * 9 / 10] / 1e3, allocated);
        }
    }

    static Map<String, byte[]> frames() {
        Map<String, byte[]> frames = new LinkedHashMap<>();
        frames.put("sample 28x28 gray PNG", TestImages.encode(CameraFrames.sample(CameraFrames.TROUSER, 1), "png"));
        BufferedImage gray112 = CameraFrames.sample(CameraFrames.TROUSER, 4);
        frames.put("112x112 gray JPEG", CameraFrames.jpeg(gray112));
        frames.put("112x112 gray JPEG, EXIF orientation 6", CameraFrames.jpegWithOrientation(gray112, 6));
        BufferedImage vga = CameraFrames.textured(640, 480, 1);
        frames.put("640x480 RGB JPEG (webcam)", TestImages.encode(vga, "jpeg"));
        frames.put("640x480 RGB PNG", TestImages.encode(vga, "png"));
        BufferedImage photo = CameraFrames.textured(3000, 2000, 2);
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        frames.put("3000x2000 RGB JPEG", TestImages.encode(photo, "jpeg"));
        byte[] exif = CameraFrames.exifOrientation(6);
        byte[] app1 = new byte[6 + exif.length];
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, app1, 0, 6);
        System.arraycopy(exif, 0, app1, 6, exif.length);
        frames.put("3000x2000 RGB JPEG + ICC + EXIF 6 (phone)", CameraFrames.insertSegments(
                TestImages.encode(CameraFrames.stored(photo, 6), "jpeg"), CameraFrames.segment(0xE1, app1),
                CameraFrames.iccSegment(1, 1, icc)));
        frames.put("1200x1200 24-bit BMP", TestImages.encode(CameraFrames.textured(1200, 1200, 3), "bmp"));
        return frames;
    }
}
