package dev.condensenet.pipeline.inference;

/** Why a micro-batch was sent to the model. */
public enum FlushReason {
    /** The batch reached {@code --max-batch}. */
    SIZE,
    /** The oldest buffered frame waited {@code --max-delay-ms}. */
    TIMER,
    /** A checkpoint barrier is coming: nothing may stay buffered outside the snapshot. */
    BARRIER,
    /** End of input or stop-with-drain. */
    END
}
