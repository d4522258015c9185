package dev.condensenet.model.net;

import dev.condensenet.model.error.UserError;

/** A CondenseNet configuration that cannot be built; the message is one line and says what to change. */
public class InvalidConfigException extends UserError {
    private static final long serialVersionUID = 1L;

    /**
     * A configuration refused by {@link CondenseNetConfig.Builder#build()} or a block builder.
     *
     * @param message one line: what is wrong and what to change
     */
    public InvalidConfigException(String message) {
        super(message);
    }
}
