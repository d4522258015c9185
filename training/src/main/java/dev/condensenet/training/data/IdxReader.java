package dev.condensenet.training.data;

import dev.condensenet.model.store.FashionMnistClasses;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads MNIST-style IDX files (Fashion-MNIST's four {@code .gz} files, or uncompressed). */
public final class IdxReader {

    public static final Path DEFAULT_FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** The training ({@code train-*}) or test ({@code t10k-*}) split of Fashion-MNIST in {@code dir}. */
    public static ImageSet fashionMnist(Path dir, boolean train) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("Fashion-MNIST directory " + dir + " does not exist: install Debian's "
                    + "dataset-fashion-mnist or pass --data-dir with the four IDX files");
        }
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return read(images, labels, FashionMnistClasses.NAMES);
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataException(dir + " has no " + base + ".gz: pass --data-dir with Fashion-MNIST's IDX files");
    }

    /** Reads an image file and its label file; every inconsistency is reported with the file name. */
    public static ImageSet read(Path imagesFile, Path labelsFile, List<String> classNames) {
        try (DataInputStream images = open(imagesFile); DataInputStream labels = open(labelsFile)) {
            int magic = images.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new DataException(imagesFile + " is not an IDX image file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x803)");
            }
            int n = images.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            if (n < 0 || rows <= 0 || cols <= 0 || (long) n * rows * cols > Integer.MAX_VALUE - 8) {
                throw new DataException(imagesFile + " has an impossible IDX header: " + n + " images of "
                        + rows + "x" + cols);
            }
            int lmagic = labels.readInt();
            if (lmagic != LABELS_MAGIC) {
                throw new DataException(labelsFile + " is not an IDX label file (magic 0x"
                        + Integer.toHexString(lmagic) + ", expected 0x801)");
            }
            int ln = labels.readInt();
            if (ln != n) {
                throw new DataException(labelsFile + " has " + ln + " labels but " + imagesFile + " has " + n
                        + " images");
            }
            byte[] pixels = new byte[n * rows * cols];
            images.readFully(pixels);
            byte[] raw = new byte[n];
            labels.readFully(raw);
            int[] l = new int[n];
            for (int i = 0; i < n; i++) {
                l[i] = raw[i] & 0xff;
                if (l[i] >= classNames.size()) {
                    throw new DataException(labelsFile + " has label " + l[i] + " at record " + i + " but only "
                            + classNames.size() + " classes");
                }
            }
            return new ImageSet(1, rows, cols, pixels, l, classNames);
        } catch (EOFException e) {
            throw new DataException(imagesFile + " or " + labelsFile + " is truncated: fewer bytes than the "
                    + "IDX header announces");
        } catch (IOException e) {
            throw new DataException("cannot read " + imagesFile + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        if (p.getFileName().toString().endsWith(".gz")) {
            try {
                in = new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw new DataException(p + " is not a gzip file: " + e.getMessage());
            }
        }
        return new DataInputStream(in);
    }
}
