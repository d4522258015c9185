package dev.condensenet.training.data;

import dev.condensenet.model.error.UserError;

/** Unusable training or test data; the message is one line naming the file and what to do. */
public class DataException extends UserError {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
