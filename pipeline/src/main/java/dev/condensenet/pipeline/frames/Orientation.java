package dev.condensenet.pipeline.frames;

import com.drew.lang.ByteArrayReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import java.util.Arrays;

/**
 * The EXIF {@code Orientation} tag (TIFF 6.0 tag 274, values 1–8): how the stored pixels must be turned
 * or mirrored to show the image upright, as cameras and phones write it instead of rotating the pixels.
 * Viewers apply it, and so does PIL's {@code ImageOps.exif_transpose}, the reference this decoder follows.
 *
 * <p>{@link #place} maps a stored pixel (x, y) of a w×h image to its index in the upright image, so the
 * decoder applies the orientation while copying pixels, with no extra pass or buffer.
 */
enum Orientation {
    /** 1: stored upright. */
    NORMAL,
    /** 2: mirrored left–right (PIL FLIP_LEFT_RIGHT). */
    MIRROR_HORIZONTAL,
    /** 3: upside down (PIL ROTATE_180). */
    ROTATE_180,
    /** 4: mirrored top–bottom (PIL FLIP_TOP_BOTTOM). */
    MIRROR_VERTICAL,
    /** 5: mirrored along the main diagonal (PIL TRANSPOSE). */
    TRANSPOSE,
    /** 6: stored turned left; shown turned 90° clockwise (PIL ROTATE_270). */
    ROTATE_90_CW,
    /** 7: mirrored along the other diagonal (PIL TRANSVERSE). */
    TRANSVERSE,
    /** 8: stored turned right; shown turned 90° counter-clockwise (PIL ROTATE_90). */
    ROTATE_90_CCW;

    private static final Orientation[] BY_TAG = values();

    /** The orientation for an EXIF tag value; anything outside 1–8 (absent, damaged) means upright. */
    static Orientation ofTag(Integer tag) {
        return tag == null || tag < 1 || tag > 8 ? NORMAL : BY_TAG[tag - 1];
    }

    /** Whether the upright image is the stored one turned by 90° (width and height swap). */
    boolean swapsAxes() {
        return ordinal() >= TRANSPOSE.ordinal();
    }

    /**
     * Where stored pixels go in the upright image, row-major: stored pixel (x, y) of a w×h image lands at
     * {@code offset + x * xStep + y * yStep}.
     *
     * @return {offset, xStep, yStep}
     */
    int[] place(int w, int h) {
        return switch (this) {
            case NORMAL -> new int[] {0, 1, w};
            case MIRROR_HORIZONTAL -> new int[] {w - 1, -1, w};
            case ROTATE_180 -> new int[] {(h - 1) * w + w - 1, -1, -w};
            case MIRROR_VERTICAL -> new int[] {(h - 1) * w, 1, -w};
            case TRANSPOSE -> new int[] {0, h, 1};
            case ROTATE_90_CW -> new int[] {h - 1, h, -1};
            case TRANSVERSE -> new int[] {(w - 1) * h + h - 1, -h, -1};
            case ROTATE_90_CCW -> new int[] {(w - 1) * h, -h, 1};
        };
    }

    /**
     * Reads the orientation from a TIFF-structured EXIF block ({@code bytes[from, to)}: a JPEG APP1
     * payload after {@code Exif\0\0}, or a PNG {@code eXIf} chunk) with metadata-extractor. Damaged EXIF
     * is metadata around intact pixels: anything unreadable means upright, never an error.
     */
    static Orientation readExif(byte[] bytes, int from, int to) {
        if (from < 0 || to - from < 8) {
            return NORMAL;
        }
        try {
            // A copy of the block (at most 64 KiB in JPEG): offsets inside it cannot reach image data.
            Metadata metadata = new Metadata();
            new ExifReader().extract(new ByteArrayReader(Arrays.copyOfRange(bytes, from, to)), metadata);
            ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            return ifd0 == null ? NORMAL : ofTag(ifd0.getInteger(ExifDirectoryBase.TAG_ORIENTATION));
        } catch (RuntimeException e) {
            return NORMAL;
        }
    }
}
