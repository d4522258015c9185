package dev.condensenet.pipeline.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condensenet.pipeline.frames.TestImages;
import dev.condensenet.pipeline.produce.IdxImages;
import dev.condensenet.pipeline.produce.MjpegSplitter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MJPEG splitting and IDX reading, the produce command's frame sources. */
class FrameSourcesTest {
    static byte[] progressiveJpeg(BufferedImage img) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, null), p);
        }
        w.dispose();
        return out.toByteArray();
    }

    @Test
    void splitsConcatenatedJpegsIncludingProgressiveOnes() throws Exception {
        byte[] a = TestImages.encode(TestImages.gray(40, 30, (x, y) -> x * 5), "jpeg");
        byte[] b = progressiveJpeg(TestImages.rgb(64, 48, 0x336699));
        byte[] c = TestImages.encode(TestImages.rgb(16, 16, 0xff0000), "jpeg");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(a);
        stream.writeBytes(new byte[] {1, 2, 3}); // junk between frames is skipped
        stream.writeBytes(b);
        stream.writeBytes(c);
        stream.writeBytes(Arrays.copyOf(a, a.length / 2)); // truncated tail is dropped
        MjpegSplitter s = new MjpegSplitter(new ByteArrayInputStream(stream.toByteArray()), 1 << 20);
        assertArrayEquals(a, s.next());
        assertArrayEquals(b, s.next());
        assertArrayEquals(c, s.next());
        assertNull(s.next());
        assertNull(s.next());
    }

    @Test
    void refusesFramesOverTheLimit() {
        byte[] a = TestImages.encode(TestImages.gray(64, 64, (x, y) -> (x * y) & 0xff), "jpeg");
        MjpegSplitter s = new MjpegSplitter(new ByteArrayInputStream(a), 100);
        assertThrows(IOException.class, s::next);
    }

    @Test
    void readsGzippedIdxImages(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("images-idx3-ubyte.gz");
        try (OutputStream f = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(f))) {
            out.writeInt(0x803);
            out.writeInt(2);
            out.writeInt(3);
            out.writeInt(4);
            for (int i = 0; i < 24; i++) {
                out.writeByte(i * 10);
            }
        }
        try (IdxImages idx = new IdxImages(file)) {
            assertEquals(2, idx.count());
            BufferedImage first = idx.next();
            assertEquals(4, first.getWidth());
            assertEquals(3, first.getHeight());
            assertEquals(50, first.getRaster().getSample(1, 1, 0));
            assertEquals(230, idx.next().getRaster().getSample(3, 2, 0));
            assertNull(idx.next());
        }
        Path notIdx = Files.write(tmp.resolve("x.idx"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        assertThrows(IOException.class, () -> new IdxImages(notIdx));
    }
}
