package dev.condensenet.cli;

import dev.condensenet.model.error.UserError;

/** The exit codes of every command of both jars. */
public final class ExitCodes {

    /** The command did all its work. */
    public static final int OK = 0;
    /**
     * The work ran and failed: frames unaccounted for, a job that failed, a conversion check above its
     * tolerance, or an internal error.
     */
    public static final int FAILED = 1;
    /** Bad usage or setup (a flag, a path, a model directory, a broker): one {@code error:} line. */
    public static final int USAGE = UserError.EXIT_CODE;
    /** Training diverged (NaN/Inf loss); the last good checkpoint is kept. */
    public static final int DIVERGED = 3;

    private ExitCodes() {
    }
}
