package dev.condensenet.pipeline.frames;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The chunks of a PNG (ISO/IEC 15948 §5.3: length, type, data, CRC-32 of type and data), walked before
 * any pixel is decoded. The JDK's PNG reader checks no CRC at all, so a damaged header (wrong dimensions,
 * bit depth) or damaged image data would be decoded as if valid. Following libpng: a CRC error in a
 * critical chunk (IHDR, PLTE, IDAT, IEND: type starting with an upper-case letter) makes the image
 * {@link FrameError#CORRUPT}; an ancillary chunk with a bad CRC is metadata and is ignored (libpng's
 * default discards it). Also finds the {@code eXIf} chunk for {@link Orientation}.
 */
final class PngChunks {
    private static final int EXIF = type("eXIf");
    private static final int IEND = type("IEND");

    /** Payload of the first intact {@code eXIf} chunk, or -1. */
    int exifFrom = -1;
    int exifTo = -1;
    private final CRC32 crc = new CRC32();

    /**
     * Walks the chunks after the 8-byte signature, up to IEND or the end of the data. A chunk that runs
     * past the end is left to the decoder (it reports the truncation where it matters).
     *
     * @throws BadFrameException CORRUPT with the chunk's name, when a critical chunk's CRC is wrong
     */
    void check(byte[] png) throws BadFrameException {
        exifFrom = -1;
        exifTo = -1;
        int p = 8;
        while (p + 12 <= png.length) {
            long length = readInt(png, p) & 0xffffffffL;
            if (length > png.length - p - 12L) {
                return;
            }
            int type = readInt(png, p + 4);
            int data = p + 8;
            int end = data + (int) length;
            crc.reset();
            crc.update(png, p + 4, 4 + (int) length);
            boolean intact = (int) crc.getValue() == readInt(png, end);
            boolean critical = (png[p + 4] & 0x20) == 0;
            if (!intact && critical) {
                throw new BadFrameException(FrameError.CORRUPT, "PNG " + new String(png, p + 4, 4,
                        StandardCharsets.ISO_8859_1) + " chunk at byte " + p + " fails its CRC check (damaged data)");
            }
            if (intact && type == EXIF && exifFrom < 0) {
                // Some writers keep JPEG's "Exif\0\0" prefix in the chunk; PIL accepts both.
                boolean prefixed = length >= 6 && png[data] == 'E' && png[data + 1] == 'x' && png[data + 2] == 'i'
                        && png[data + 3] == 'f' && png[data + 4] == 0 && png[data + 5] == 0;
                exifFrom = prefixed ? data + 6 : data;
                exifTo = end;
            }
            if (type == IEND) {
                return;
            }
            p = end + 4;
        }
    }

    private static int readInt(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static int type(String name) {
        return readInt(name.getBytes(StandardCharsets.ISO_8859_1), 0);
    }
}
