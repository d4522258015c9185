package dev.condensenet.training.cli;

import dev.condensenet.model.error.UserError;

/** Bad input from the user (a flag, a path, a data file): printed as one line, exit code 2. */
public class UserInputException extends UserError {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }
}
