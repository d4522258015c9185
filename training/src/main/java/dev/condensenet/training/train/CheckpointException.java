package dev.condensenet.training.train;

import dev.condensenet.model.error.UserError;

/** A checkpoint that cannot be written or resumed from; one line naming the file and the problem. */
public class CheckpointException extends UserError {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
