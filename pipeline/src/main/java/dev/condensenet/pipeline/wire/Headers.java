package dev.condensenet.pipeline.wire;

/**
 * Kafka header names of the wire format (pipeline/README.md, "Wire format") and the limits on what the
 * job copies from an input record into its outputs.
 */
public final class Headers {

    /** Input and prediction: the frame's id (UTF-8); a prediction carries its frame's id. */
    public static final String FRAME_ID = "frame-id";
    /** Input, optional: capture time, epoch milliseconds as decimal text; default the record timestamp. */
    public static final String CAPTURE_TS = "capture-ts";

    /**
     * Prediction: the version of the model that classified the frame, decimal text ({@code modelVersion} in
     * its JSON; 0 for a fixed {@code --model} directory).
     */
    public static final String MODEL_VERSION = "model-version";

    /** Dead letter: why the frame was refused, one line. */
    public static final String ERROR = "error";
    /** Dead letter: the kind of failure, a {@code FrameError} name (e.g. {@code CORRUPT}). */
    public static final String ERROR_CLASS = "error-class";
    /** Dead letter: the topic the original record came from. */
    public static final String SOURCE_TOPIC = "source-topic";
    /** Dead letter: the partition of the original record, decimal. */
    public static final String SOURCE_PARTITION = "source-partition";
    /** Dead letter: the offset of the original record, decimal. */
    public static final String SOURCE_OFFSET = "source-offset";
    /** Only on a dead letter that holds part of the original: what was cut ({@code value,headers,key}). */
    public static final String TRUNCATED = "truncated";
    /** With {@link #TRUNCATED} (non-null value): the original value's length in bytes, decimal. */
    public static final String ORIGINAL_SIZE = "original-size";
    /** With {@link #TRUNCATED} (non-null value): SHA-256 of the whole original value, lowercase hex. */
    public static final String ORIGINAL_SHA256 = "original-sha256";

    /**
     * Longest {@code frame-id} header accepted, in bytes (UTF-8). The id and the record key are copied into
     * the prediction (header and key), whose size must not depend on the input: a huge id would make the
     * prediction too large for its topic and fail the job instead of the frame. Longer ones are
     * dead-lettered as {@code BAD_HEADER}.
     */
    public static final int MAX_FRAME_ID_BYTES = 256;
    /** Longest record key (stream id) accepted, in bytes; see {@link #MAX_FRAME_ID_BYTES}. */
    public static final int MAX_KEY_BYTES = 1024;

    private Headers() {
    }
}
