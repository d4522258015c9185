package dev.condensenet.pipeline.produce;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an IDX image file (the MNIST / Fashion-MNIST format, {@code .gz} or plain: magic 0x00000803,
 * count, rows, columns, then unsigned bytes) one gray image at a time.
 */
public final class IdxImages implements AutoCloseable {
    private final DataInputStream in;
    private final int count;
    private final int rows;
    private final int cols;
    private int read;

    public IdxImages(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            raw = new GZIPInputStream(raw, 1 << 16);
        }
        in = new DataInputStream(raw);
        int magic = in.readInt();
        if (magic != 0x00000803) {
            in.close();
            throw new IOException(file + " is not an IDX image file (magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x803)");
        }
        count = in.readInt();
        rows = in.readInt();
        cols = in.readInt();
    }

    public int count() {
        return count;
    }

    /** The next image, or null after the last. */
    public BufferedImage next() throws IOException {
        if (read >= count) {
            return null;
        }
        byte[] pixels = new byte[rows * cols];
        in.readFully(pixels);
        read++;
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, cols, rows, pixels);
        return img;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
