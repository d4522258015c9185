package dev.condensenet.pipeline.wire;

/**
 * A frame that could not be classified: the original record plus why. Written to the dead-letter topic
 * with the original key, value and headers, and the headers {@code error}, {@code error-class},
 * {@code source-topic}, {@code source-partition}, {@code source-offset} added; a record too large for a
 * Kafka message is copied only in part, see {@link DeadLetterSerializer}.
 */
public class DeadLetter {
    public FrameRecord source;
    public String error;
    public String errorClass;

    public DeadLetter() {}

    public DeadLetter(FrameRecord source, String error, String errorClass) {
        this.source = source;
        this.error = oneLine(error);
        this.errorClass = errorClass;
    }

    /** Reasons go into a Kafka header and log lines: one line, bounded length. */
    static String oneLine(String s) {
        if (s == null || s.isBlank()) {
            return "unknown error";
        }
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }
}
