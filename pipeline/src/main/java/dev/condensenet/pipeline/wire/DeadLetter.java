package dev.condensenet.pipeline.wire;

import dev.condensenet.model.error.UserError;

/**
 * A frame that could not be classified: the original record plus why. Written to the dead-letter topic
 * with the original key, value and headers, and the headers {@code error}, {@code error-class},
 * {@code source-topic}, {@code source-partition}, {@code source-offset} added; a record too large for a
 * Kafka message is copied only in part, see {@link DeadLetterSerializer}.
 */
public class DeadLetter {
    /** The input record as it came from Kafka. */
    public FrameRecord source;
    /** Why it was refused: one line of at most 300 characters (header {@code error}). */
    public String error;
    /** The kind of failure, a {@code FrameError} name such as {@code CORRUPT} (header {@code error-class}). */
    public String errorClass;

    /** For Flink's POJO serializer. */
    public DeadLetter() {}

    /**
     * @param source the refused record
     * @param error the reason; whitespace runs collapse and it is cut to 300 characters
     * @param errorClass the kind of failure
     */
    public DeadLetter(FrameRecord source, String error, String errorClass) {
        this.source = source;
        this.error = reason(error);
        this.errorClass = errorClass;
    }

    /** Reasons go into a Kafka header and log lines: one line, bounded length. */
    static String reason(String s) {
        if (s == null || s.isBlank()) {
            return "unknown error";
        }
        String line = UserError.oneLine(s);
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }
}
