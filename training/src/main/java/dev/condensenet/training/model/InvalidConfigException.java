package dev.condensenet.training.model;

/** A CondenseNet configuration that cannot be built; the message is one line and says what to change. */
public class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }
}
