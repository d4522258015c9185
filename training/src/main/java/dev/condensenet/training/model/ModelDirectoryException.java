package dev.condensenet.training.model;

/** A model directory that cannot be used; the message is one line naming the directory and the problem. */
public class ModelDirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelDirectoryException(String message) {
        super(message);
    }

    public ModelDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
