package dev.condensenet.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.TorchRuntime;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three readers on tiny generated files, and their one-line refusals of damaged ones. */
class ReadersTest {

    @TempDir
    Path tmp;

    private static byte[] idxImages(int magic, int n, int rows, int cols, int payload) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(n);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < payload; i++) {
            d.writeByte(i % 251);
        }
        return b.toByteArray();
    }

    private static byte[] idxLabels(int n, int... labels) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x801);
        d.writeInt(n);
        for (int l : labels) {
            d.writeByte(l);
        }
        return b.toByteArray();
    }

    private static void gz(Path p, byte[] data) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(data);
        }
    }

    private Path fmnistDir(byte[] trainImages, byte[] trainLabels) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fmnist"));
        gz(dir.resolve("train-images-idx3-ubyte.gz"), trainImages);
        gz(dir.resolve("train-labels-idx1-ubyte.gz"), trainLabels);
        return dir;
    }

    @Test
    void readsIdxImagesAndLabels() throws IOException {
        Path dir = fmnistDir(idxImages(0x803, 3, 2, 2, 12), idxLabels(3, 7, 0, 9));
        ImageSet s = IdxReader.fashionMnist(dir, true);
        assertEquals(3, s.size());
        assertEquals(1, s.channels());
        assertEquals(2, s.height());
        assertEquals(9, s.label(2));
        assertEquals(11, s.pixels()[11]);
        assertEquals("Ankle boot", s.classNames().get(9));
    }

    @Test
    void refusesDamagedIdxFilesWithTheFileName() throws IOException {
        String msg = assertThrows(DataException.class, () -> IdxReader.fashionMnist(
                fmnistDir(idxImages(0x1234, 3, 2, 2, 12), idxLabels(3, 1, 2, 3)), true)).getMessage();
        assertTrue(msg.contains("train-images-idx3-ubyte.gz is not an IDX image file"), msg);

        msg = assertThrows(DataException.class, () -> IdxReader.fashionMnist(
                fmnistDir(idxImages(0x803, 3, 2, 2, 5), idxLabels(3, 1, 2, 3)), true)).getMessage();
        assertTrue(msg.contains("truncated"), msg);

        msg = assertThrows(DataException.class, () -> IdxReader.fashionMnist(
                fmnistDir(idxImages(0x803, 3, 2, 2, 12), idxLabels(2, 1, 2)), true)).getMessage();
        assertTrue(msg.contains("has 2 labels but"), msg);

        msg = assertThrows(DataException.class, () -> IdxReader.fashionMnist(tmp.resolve("none"), true)).getMessage();
        assertTrue(msg.contains("does not exist") && msg.contains("dataset-fashion-mnist"), msg);
        assertFalse(msg.contains("\n"));

        Files.createDirectories(tmp.resolve("empty"));
        msg = assertThrows(DataException.class, () -> IdxReader.fashionMnist(tmp.resolve("empty"), false)).getMessage();
        assertTrue(msg.contains("t10k-images-idx3-ubyte"), msg);
    }

    @Test
    void readsCifarBinaryBatchesAndRefusesBadSizes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cifar"));
        byte[] rec = new byte[2 * 3073];
        rec[0] = 3;
        rec[1] = 10;  // R of pixel 0
        rec[1 + 1024] = 20; // G of pixel 0
        rec[3073] = 9;
        Files.write(dir.resolve("test_batch.bin"), rec);
        ImageSet s = Cifar10Reader.read(dir, false);
        assertEquals(2, s.size());
        assertEquals(3, s.label(0));
        assertEquals(9, s.label(1));
        assertEquals(20, s.pixels()[1024]);
        assertEquals("truck", s.classNames().get(9));

        Files.write(dir.resolve("test_batch.bin"), new byte[3074]);
        String msg = assertThrows(DataException.class, () -> Cifar10Reader.read(dir, false)).getMessage();
        assertTrue(msg.contains("not a multiple of 3073"), msg);
        msg = assertThrows(DataException.class, () -> Cifar10Reader.read(dir, true)).getMessage();
        assertTrue(msg.contains("data_batch_1.bin"), msg);
    }

    @Test
    void readsAnImageFolderResizedAndInClassOrder() throws IOException {
        TorchRuntime.init();
        Path root = tmp.resolve("folder");
        for (String cls : List.of("cat", "dog")) {
            Path d = Files.createDirectories(root.resolve("train").resolve(cls));
            for (int i = 0; i < 2; i++) {
                BufferedImage img = new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB);
                int v = cls.equals("cat") ? 0xff0000 : 0x0000ff;
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 10; x++) {
                        img.setRGB(x, y, v);
                    }
                }
                ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
            }
        }
        ImageSet s = DatasetKind.IMAGE_FOLDER.read(root, true, 3, 8, null);
        assertEquals(4, s.size());
        assertEquals(List.of("cat", "dog"), s.classNames());
        assertEquals(8, s.height());
        int catIndex = s.label(0) == 0 ? 0 : 2;
        // A red cat image: the R plane is 255 and the B plane 0.
        // (resampling may round 255 to 254)
        assertTrue((s.pixels()[catIndex * s.imageBytes()] & 0xff) >= 250);
        assertTrue((s.pixels()[catIndex * s.imageBytes() + 2 * 64] & 0xff) <= 5);
        ImageSet gray = DatasetKind.IMAGE_FOLDER.read(root, true, 1, 5, null);
        assertEquals(25, gray.imageBytes());
        String msg = assertThrows(DataException.class,
                () -> DatasetKind.IMAGE_FOLDER.read(tmp.resolve("missing"), true, 3, 8, null)).getMessage();
        assertTrue(msg.contains("does not exist"), msg);
    }

    @Test
    void augmentationIsSeededAndNormalisationFolded() {
        byte[] px = new byte[2 * 4 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        ImageSet set = new ImageSet(1, 4, 4, px, new int[] {0, 1}, List.of("a", "b"));
        float[][] ms = set.meanStd();
        AugmentedDataset plain = AugmentedDataset.of(set, ms[0], ms[1], 2, false, false, 0);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            float[] x = plain.get(m, 1).getData().singletonOrThrow().toFloatArray();
            assertEquals(((px[16] & 0xff) / 255f - ms[0][0]) / ms[1][0], x[0], 1e-5);
            AugmentedDataset a1 = AugmentedDataset.of(set, ms[0], ms[1], 2, true, true, 5);
            AugmentedDataset a2 = AugmentedDataset.of(set, ms[0], ms[1], 2, true, true, 5);
            a1.setEpoch(3);
            a2.setEpoch(3);
            assertArrayEquals(a1.get(m, 0).getData().singletonOrThrow().toFloatArray(),
                    a2.get(m, 0).getData().singletonOrThrow().toFloatArray());
        }
    }
}
