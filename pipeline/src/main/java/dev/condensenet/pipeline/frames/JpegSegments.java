package dev.condensenet.pipeline.frames;

import java.util.Locale;

/**
 * The marker segments of a JPEG up to its first scan (ITU-T T.81 §B.1.1.2: {@code FF xx} + a 2-byte
 * length that counts itself), found by stepping over segment lengths; no segment content is parsed.
 * What the decoder needs from them: where the EXIF block is (for {@link Orientation}), and a copy of the
 * image without its embedded ICC profile.
 *
 * <p>Why drop the ICC profile: the JDK's JPEG reader refuses a whole image whose {@code ICC_PROFILE}
 * segments disagree on their count ("Invalid icc profile: inconsistent num_markers fields"), although
 * libjpeg and PIL decode its pixels; and on a valid profile it converts the pixels to sRGB, which PIL
 * (the decoder this project's models are trained against) does not. Without the segments both read the
 * same samples. One instance per decoder: it keeps a scratch buffer for the copy.
 */
final class JpegSegments {
    private static final int SOS = 0xDA;
    private static final int APP1 = 0xE1;
    private static final int APP2 = 0xE2;
    private static final byte[] EXIF = {'E', 'x', 'i', 'f', 0, 0};
    private static final byte[] ICC_PROFILE = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};
    /** Most segments looked at before the scan; a real header has a few dozen. */
    private static final int MAX_SEGMENTS = 4096;

    /** Payload of the first {@code Exif} APP1 segment (a TIFF structure), or -1. */
    int exifFrom = -1;
    int exifTo = -1;
    /** The image to decode: the record's bytes, or {@link #scratch} without ICC segments. */
    byte[] image;
    int imageLength;
    private byte[] scratch = new byte[0];
    private final int[] iccStarts = new int[64];
    private final int[] iccEnds = new int[64];

    /**
     * Scans {@code jpeg} up to the first SOS marker. Stops quietly at anything that is not a segment
     * (the decoder then reports the damage with its own words).
     */
    void scan(byte[] jpeg) {
        exifFrom = -1;
        exifTo = -1;
        image = jpeg;
        imageLength = jpeg.length;
        int icc = 0;
        boolean iccOverflow = false;
        int p = 2; // after SOI
        for (int n = 0; n < MAX_SEGMENTS && p + 4 <= jpeg.length; n++) {
            if ((jpeg[p] & 0xff) != 0xff) {
                break;
            }
            int marker = jpeg[p + 1] & 0xff;
            if (marker == 0xff) { // fill byte before a marker
                p++;
                continue;
            }
            if (marker == SOS || marker == 0xD9 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                break;
            }
            int length = ((jpeg[p + 2] & 0xff) << 8) | (jpeg[p + 3] & 0xff);
            int end = p + 2 + length;
            if (length < 2 || end > jpeg.length) {
                break;
            }
            int payload = p + 4;
            if (marker == APP1 && exifFrom < 0 && startsWith(jpeg, payload, end, EXIF)) {
                exifFrom = payload + EXIF.length;
                exifTo = end;
            } else if (marker == APP2 && startsWith(jpeg, payload, end, ICC_PROFILE)) {
                if (icc < iccStarts.length) {
                    iccStarts[icc] = p;
                    iccEnds[icc] = end;
                    icc++;
                } else {
                    iccOverflow = true;
                }
            }
            p = end;
        }
        if (icc > 0 && !iccOverflow) {
            withoutSegments(jpeg, icc);
        }
    }

    /** Copies {@code jpeg} into the scratch buffer, leaving out the {@code count} ICC segments. */
    private void withoutSegments(byte[] jpeg, int count) {
        if (scratch.length < jpeg.length) {
            scratch = new byte[jpeg.length];
        }
        int from = 0;
        int to = 0;
        for (int i = 0; i < count; i++) {
            int keep = iccStarts[i] - from;
            System.arraycopy(jpeg, from, scratch, to, keep);
            to += keep;
            from = iccEnds[i];
        }
        System.arraycopy(jpeg, from, scratch, to, jpeg.length - from);
        to += jpeg.length - from;
        image = scratch;
        imageLength = to;
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a warning of the JDK's JPEG reader (libjpeg's messages, jerror.h, plus the JDK's own "Truncated
     * File - Missing EOI marker") means that image data is missing or cannot be decoded: the reader then
     * fills the rest with grey and returns normally. "Extraneous bytes before marker" is not such a
     * warning: libjpeg skipped bytes it did not need (padding between segments or after a complete scan)
     * and decoded every block, as PIL does too.
     */
    static boolean damagesPixels(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.startsWith("truncated file") || w.startsWith("premature end of jpeg file")
                || (w.startsWith("corrupt jpeg data") && !w.contains("extraneous bytes"));
    }
}
