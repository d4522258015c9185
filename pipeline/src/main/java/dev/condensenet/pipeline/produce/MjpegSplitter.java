package dev.condensenet.pipeline.produce;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits an MJPEG byte stream (concatenated JPEGs, e.g. {@code ffmpeg -i clip.mp4 -f mjpeg -}) into
 * frames by walking the JPEG marker structure, not by searching for FFD9: a thumbnail embedded in an
 * APP segment carries its own end marker, and only the entropy-coded data needs scanning (where
 * 0xFF is always followed by 0x00 or a restart marker). Bytes between frames are skipped.
 */
public final class MjpegSplitter {
    private final InputStream in;
    private final int maxFrameBytes;

    public MjpegSplitter(InputStream in, int maxFrameBytes) {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The next complete JPEG, or null at the end of the stream (a truncated last frame is dropped). */
    public byte[] next() throws IOException {
        int prev = -1;
        for (int b = in.read(); ; prev = b, b = in.read()) { // find SOI: FF D8
            if (b < 0) {
                return null;
            }
            if (prev == 0xFF && b == 0xD8) {
                break;
            }
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(64 * 1024);
        frame.write(0xFF);
        frame.write(0xD8);
        try {
            int pending = -1; // a marker already consumed by the entropy scan
            while (true) {
                int marker = pending >= 0 ? pending : nextMarker(frame);
                pending = -1;
                if (marker == 0xD9) { // EOI
                    return frame.toByteArray();
                }
                if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                    continue; // no length field
                }
                int length = (read(frame) << 8) | read(frame);
                for (int i = 2; i < length; i++) {
                    read(frame);
                }
                if (marker == 0xDA) { // SOS: entropy-coded data up to the next real marker
                    pending = scanEntropy(frame);
                }
            }
        } catch (EOFException e) {
            return null;
        }
    }

    /** Reads FF xx (skipping fill bytes) and returns xx. */
    private int nextMarker(ByteArrayOutputStream frame) throws IOException {
        int b = read(frame);
        if (b != 0xFF) {
            throw new IOException("MJPEG stream: expected a JPEG marker, found 0x" + Integer.toHexString(b));
        }
        do {
            b = read(frame);
        } while (b == 0xFF);
        return b;
    }

    /** Copies entropy-coded bytes up to the first marker that is not stuffing or restart; returns it. */
    private int scanEntropy(ByteArrayOutputStream frame) throws IOException {
        while (true) {
            if (read(frame) != 0xFF) {
                continue;
            }
            int m;
            do {
                m = read(frame);
            } while (m == 0xFF);
            if (m != 0x00 && (m < 0xD0 || m > 0xD7)) {
                return m;
            }
        }
    }

    private int read(ByteArrayOutputStream frame) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        if (frame.size() >= maxFrameBytes) {
            throw new IOException("MJPEG frame larger than " + maxFrameBytes + " bytes");
        }
        frame.write(b);
        return b;
    }
}
