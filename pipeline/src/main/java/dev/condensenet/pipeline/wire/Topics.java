package dev.condensenet.pipeline.wire;

/** Default topic names: input frames, predictions (JSON) and dead letters. */
public final class Topics {

    public static final String FRAMES = "frames";
    public static final String PREDICTIONS = "predictions";
    public static final String DEAD_LETTERS = "dead-letters";

    private Topics() {
    }
}
