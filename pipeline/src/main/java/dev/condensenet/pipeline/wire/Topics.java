package dev.condensenet.pipeline.wire;

/** Default topic names: input frames, predictions (JSON) and dead letters; the frames topic's size limit. */
public final class Topics {

    /** Input: encoded frames. */
    public static final String FRAMES = "frames";
    /** Output: one JSON prediction per classified frame. */
    public static final String PREDICTIONS = "predictions";
    /** Output: frames that could not be classified, with the reason. */
    public static final String DEAD_LETTERS = "dead-letters";

    /**
     * Room a frame record needs above its value, in bytes: the key (at most {@link Headers#MAX_KEY_BYTES}
     * is accepted), the headers ({@code frame-id} at most {@link Headers#MAX_FRAME_ID_BYTES}, {@code
     * capture-ts}, a producer's own) and Kafka's record and batch framing (about a hundred bytes).
     */
    public static final int FRAME_RECORD_HEADROOM_BYTES = 64 * 1024;

    /**
     * The {@code max.message.bytes} a frames topic (and {@code max.request.size} a frame producer) needs so
     * that every value the job accepts ({@code --max-frame-bytes}) can be written: Kafka's own default,
     * 1 MiB, silently limits frames to less than the job takes.
     */
    public static int frameRecordLimit(int maxFrameBytes) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxFrameBytes + FRAME_RECORD_HEADROOM_BYTES);
    }

    private Topics() {
    }
}
