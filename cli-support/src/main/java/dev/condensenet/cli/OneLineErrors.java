package dev.condensenet.cli;

import dev.condensenet.model.error.UserError;
import java.io.PrintWriter;
import java.util.function.ToIntFunction;
import picocli.CommandLine;

/**
 * Every failure of a command as one {@code error:} line, never a usage dump or a stack trace:
 *
 * <ul>
 *   <li>a flag picocli cannot parse (missing value, wrong type, repeated option, unknown option or enum
 *       value) or that a command refuses with a {@link CommandLine.ParameterException}: {@code error: <why>;
 *       see '<command> --help'}, exit {@link ExitCodes#USAGE};</li>
 *   <li>a {@link UserError} from the work: {@code error: <message>}, exit {@link ExitCodes#USAGE};</li>
 *   <li>anything else: {@code error: <root cause>}, exit {@link ExitCodes#FAILED}, with the stack trace
 *       only under {@code --verbose} (it is a bug or an environment failure, and the trace is for a
 *       report).</li>
 * </ul>
 */
public final class OneLineErrors {

    private OneLineErrors() {
    }

    /** Installs the handlers with the default exit codes ({@link #exitCode}). */
    public static CommandLine install(CommandLine cl) {
        return install(cl, OneLineErrors::exitCode);
    }

    /**
     * Installs the handlers on {@code cl} and all its subcommands (add subcommands first).
     *
     * @param exitCodes the exit code of an exception thrown by a command, e.g. {@link ExitCodes#DIVERGED}
     *     for a diverged training run, falling back to {@link #exitCode}
     */
    public static CommandLine install(CommandLine cl, ToIntFunction<Throwable> exitCodes) {
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("error: " + flatten(e.getMessage()) + "; see '" + cmd.getCommandSpec().qualifiedName()
                    + " --help'");
            err.flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            int code = exitCodes.applyAsInt(e);
            boolean unexpected = !(e instanceof UserError) && code == ExitCodes.FAILED;
            err.println("error: " + UserError.oneLine(e)
                    + (unexpected && !VerboseOption.isOn(parseResult) ? " (--verbose shows the stack trace)" : ""));
            if (unexpected && VerboseOption.isOn(parseResult)) {
                e.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        return cl;
    }

    /** {@link ExitCodes#USAGE} for a {@link UserError} anywhere in the cause chain, else {@link ExitCodes#FAILED}. */
    public static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UserError) {
                return ExitCodes.USAGE;
            }
        }
        return ExitCodes.FAILED;
    }

    /** A command that was given no subcommand: the same one line as any other usage error. */
    public static CommandLine.ParameterException noCommand(CommandLine cl) {
        return new CommandLine.ParameterException(cl, "choose a command: "
                + String.join(", ", cl.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList()));
    }

    /** picocli's message on one line, without the "Error: " some of its messages (argument groups) start with. */
    private static String flatten(String message) {
        return message == null ? "invalid arguments" : UserError.oneLine(message).replaceFirst("^Error: ", "");
    }
}
