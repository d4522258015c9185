package dev.condensenet.pipeline.frames;

/** A frame that cannot be classified; the message is the one-line reason written to the dead letter. */
public class BadFrameException extends Exception {
    private final FrameError error;

    public BadFrameException(FrameError error, String reason) {
        super(reason, null, false, false); // no stack trace: bad frames are data, not bugs
        this.error = error;
    }

    public FrameError error() {
        return error;
    }
}
