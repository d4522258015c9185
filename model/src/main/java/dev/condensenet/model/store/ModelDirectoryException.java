package dev.condensenet.model.store;

import dev.condensenet.model.error.UserError;

/** A model directory that cannot be used; the message is one line naming the directory and the problem. */
public class ModelDirectoryException extends UserError {
    private static final long serialVersionUID = 1L;

    /**
     * A problem found by validation.
     *
     * @param message one line naming the directory or file and the problem
     */
    public ModelDirectoryException(String message) {
        super(message);
    }

    /**
     * A problem found while reading or loading.
     *
     * @param message one line naming the directory or file and the problem
     * @param cause the underlying failure (a detail; {@link UserError#oneLine} reports {@code message})
     */
    public ModelDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
