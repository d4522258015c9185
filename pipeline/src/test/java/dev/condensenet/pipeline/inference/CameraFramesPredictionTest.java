package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.pipeline.frames.CameraFrames;
import dev.condensenet.pipeline.wire.Prediction;
import dev.condensenet.pipeline.frames.TestImages;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frames of {@code ViewerRenderingTest} through the job's decode step and the shipped model (real
 * DJL, {@code testdata/models/fmnist-26}): every transform of the upright Trouser is classified as the
 * upright frame is, with the same top score up to the transform's loss, while the stored pixels alone
 * (what the decoder gave before issue #12) are classified differently.
 */
@Timeout(120)
class CameraFramesPredictionTest {
    @Test
    void everyContainerTransformIsClassifiedAsTheUprightFrame() throws Exception {
        BufferedImage upright = CameraFrames.sample(CameraFrames.TROUSER, 4);
        BufferedImage rgb = CameraFrames.rgb(upright);
        byte[] jpeg = CameraFrames.jpeg(upright);
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        int half = linear.length / 2;
        Map<String, byte[]> frames = new LinkedHashMap<>();
        frames.put("upright.png", TestImages.encode(upright, "png"));
        frames.put("upright.jpg", jpeg);
        for (int tag = 2; tag <= 8; tag++) {
            frames.put("exif-" + tag + ".jpg", CameraFrames.jpegWithOrientation(upright, tag));
            frames.put("exif-" + tag + ".png", CameraFrames.pngWithOrientation(upright, tag));
        }
        frames.put("rgb.png", TestImages.encode(rgb, "png"));
        frames.put("bmp32-v5-alpha0.bmp", CameraFrames.bmp32(rgb, 3, 0, 124));
        frames.put("bmp32-v5-birgb.bmp", CameraFrames.bmp32(rgb, 0, 0, 124));
        frames.put("icc-inconsistent.jpg", CameraFrames.insertSegments(jpeg,
                CameraFrames.iccSegment(1, 2, Arrays.copyOf(linear, half)),
                CameraFrames.iccSegment(2, 3, Arrays.copyOfRange(linear, half, linear.length))));
        BufferedImage small = CameraFrames.sample(CameraFrames.TROUSER, 2);
        frames.put("canvas.png", TestImages.encode(CameraFrames.canvas(small, 112, 112, 28, 28), "png"));
        frames.put("canvas.gif", CameraFrames.gifOnCanvas(small, 112, 112, 28, 28));
        // What the stored pixels alone show: a decoder that ignores the container classifies these.
        frames.put("stored-6.jpg", CameraFrames.jpeg(CameraFrames.stored(upright, 6)));
        frames.put("bmp32-v5-alpha0-as-alpha.png", TestImages.encode(TestImages.gray(112, 112, (x, y) -> 0), "png"));

        Map<String, Prediction> p = new LinkedHashMap<>();
        try (DecodeAndInfer job = new DecodeAndInfer(64, 1000)) {
            for (Map.Entry<String, byte[]> f : frames.entrySet()) {
                assertTrue(job.sendGood(f.getKey(), f.getValue()), f.getKey() + " decodes");
            }
            job.barrier(1);
            List<Prediction> out = job.takePredictions();
            out.forEach(x -> p.put(x.frameId, x));
        }
        assertEquals(frames.size(), p.size());
        assertEquals(CameraFrames.TROUSER_CLASS, p.get("upright.png").classIndex, "the upright sample is a Trouser");
        check(p, "upright.png", 0.01, "exif-2.png", "exif-3.png", "exif-4.png", "exif-5.png", "exif-6.png",
                "exif-7.png", "exif-8.png");
        check(p, "upright.jpg", 0.02, "exif-2.jpg", "exif-3.jpg", "exif-4.jpg", "exif-5.jpg", "exif-6.jpg",
                "exif-7.jpg", "exif-8.jpg", "icc-inconsistent.jpg");
        check(p, "rgb.png", 0.001, "bmp32-v5-alpha0.bmp", "bmp32-v5-birgb.bmp");
        check(p, "canvas.png", 0.001, "canvas.gif");
        for (String before : new String[] {"stored-6.jpg", "bmp32-v5-alpha0-as-alpha.png"}) {
            assertTrue(p.get(before).classIndex != CameraFrames.TROUSER_CLASS,
                    before + " (the pixels without the container's meaning) is not a Trouser: the test can fail");
        }
    }

    private static void check(Map<String, Prediction> p, String reference, double scoreTolerance, String... names) {
        Prediction ref = p.get(reference);
        for (String n : names) {
            Prediction x = p.get(n);
            assertEquals(ref.classIndex, x.classIndex, n + " classified as " + reference + " (" + ref.label + ")");
            assertEquals(ref.score, x.score, scoreTolerance, n + " top score");
        }
    }
}
