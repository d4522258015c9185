package dev.condensenet.model.error;

/**
 * A failure caused by what the user gave (a flag, a path, a model directory, a data file), not by a bug:
 * every command line prints it as one {@code error:} line and exits with {@link #EXIT_CODE}, without a
 * stack trace. The message says what is wrong and what to do.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code of every command for bad usage or setup. */
    public static final int EXIT_CODE = 2;

    /**
     * A failure without an underlying exception.
     *
     * @param message one line: what is wrong and what to do
     */
    public UserError(String message) {
        super(message);
    }

    /**
     * A failure caused by another exception.
     *
     * @param message one line: what is wrong and what to do
     * @param cause the underlying failure, kept for logs; the message alone is shown
     */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The reason for a failure in one line: the message of the outermost {@code UserError} in the cause
     * chain (its causes are details, e.g. a PyTorch read error without a message), otherwise the root
     * cause's message, or its class name when it has none; whitespace runs collapse to one space.
     */
    public static String oneLine(Throwable e) {
        Throwable t = e;
        while (!(t instanceof UserError) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return oneLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    /** {@code text} on one line: every run of whitespace (newlines, tabs) one space, trimmed; "" for null. */
    public static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
