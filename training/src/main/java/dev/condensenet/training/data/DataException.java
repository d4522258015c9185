package dev.condensenet.training.data;

/** Unusable training or test data; the message is one line naming the file and what to do. */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
