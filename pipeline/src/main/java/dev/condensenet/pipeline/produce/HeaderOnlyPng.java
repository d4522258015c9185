package dev.condensenet.pipeline.produce;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A decoder bomb for the demo's malformed frames and the tests: a PNG of about 70 bytes whose IHDR (with a
 * valid CRC, PNG specification §11.2.2) declares {@code width}×{@code height} 8-bit grey pixels, followed by
 * an IDAT holding an empty zlib stream and IEND. A bounded decoder must refuse it from the header alone.
 */
public final class HeaderOnlyPng {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** zlib header, an empty final stored block, Adler-32 of nothing. */
    private static final byte[] EMPTY_ZLIB = {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};

    private HeaderOnlyPng() {}

    /**
     * @param width  declared width in pixels (any int, 0 and negative included, to build invalid headers)
     * @param height declared height in pixels
     * @return the encoded file
     */
    public static byte[] of(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", EMPTY_ZLIB);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Length, type, data, CRC-32 over type and data (PNG specification §5.3). */
    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
