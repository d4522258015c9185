package dev.condensenet.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 "binary version": {@code data_batch_1..5.bin} and {@code test_batch.bin}, each a
 * sequence of 1 label byte + 3072 pixel bytes (R, G, B planes of 32×32) — already CHW.
 */
public final class Cifar10Reader {

    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    private static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10Reader() {
    }

    public static ImageSet read(Path dir, boolean train) {
        Path base = dir;
        if (!Files.isRegularFile(base.resolve("test_batch.bin")) && Files.isDirectory(dir.resolve("cifar-10-batches-bin"))) {
            base = dir.resolve("cifar-10-batches-bin");
        }
        if (!Files.isDirectory(base)) {
            throw new DataException("CIFAR-10 directory " + dir + " does not exist: pass --data-dir with the "
                    + "binary version (data_batch_1..5.bin, test_batch.bin)");
        }
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(base.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            files.add(base.resolve("test_batch.bin"));
        }
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DataException(base + " has no " + f.getFileName() + ": pass --data-dir with CIFAR-10's "
                        + "binary version");
            }
            try {
                byte[] b = Files.readAllBytes(f);
                if (b.length == 0 || b.length % RECORD != 0) {
                    throw new DataException(f + " is not a CIFAR-10 binary batch: " + b.length
                            + " bytes is not a multiple of " + RECORD);
                }
                contents.add(b);
                total += b.length / RECORD;
            } catch (IOException e) {
                throw new DataException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        int n = (int) total;
        byte[] pixels = new byte[n * (RECORD - 1)];
        int[] labels = new int[n];
        int k = 0;
        for (int fi = 0; fi < contents.size(); fi++) {
            byte[] b = contents.get(fi);
            for (int off = 0; off < b.length; off += RECORD, k++) {
                int label = b[off] & 0xff;
                if (label >= CLASS_NAMES.size()) {
                    throw new DataException(files.get(fi) + " has label " + label + " at record " + (off / RECORD)
                            + "; CIFAR-10 labels are 0-9");
                }
                labels[k] = label;
                System.arraycopy(b, off + 1, pixels, k * (RECORD - 1), RECORD - 1);
            }
        }
        return new ImageSet(3, 32, 32, pixels, labels, CLASS_NAMES);
    }
}
