package dev.condensenet.training.cli;

/** Bad input from the user (a flag, a path, a data file): printed as one line, exit code 2. */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }
}
