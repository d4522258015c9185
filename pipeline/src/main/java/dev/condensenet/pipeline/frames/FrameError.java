package dev.condensenet.pipeline.frames;

/** Why a frame was dead-lettered; the name goes into the dead letter's {@code error-class} header. */
public enum FrameError {
    /** Null or zero-length value. */
    EMPTY,
    /** The record value is larger than the configured byte limit. */
    TOO_LARGE,
    /** Not a PNG, JPEG, BMP or GIF. */
    UNKNOWN_FORMAT,
    /** The header declares more pixels than the configured limit (refused before decoding). */
    TOO_MANY_PIXELS,
    /** A known format that the decoder cannot read (e.g. CMYK JPEG). */
    UNSUPPORTED,
    /** Truncated or damaged image data. */
    CORRUPT,
    /** A header of the wire format that cannot be parsed. */
    BAD_HEADER
}
