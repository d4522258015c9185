package dev.condensenet.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code -v, --verbose} on the top command, inherited by every subcommand, so it works before or after
 * the command name. Logging is configured before picocli parses (a logger read its level when its class
 * loaded), so {@link #requested} reads the raw arguments.
 */
public final class VerboseOption {

    static final String LONG = "--verbose";
    static final String SHORT = "-v";

    @Option(names = {SHORT, LONG}, scope = ScopeType.INHERIT,
            description = "Show library logs (DJL, PyTorch, Flink, Kafka) and stack traces of internal errors.")
    boolean verbose;

    /** Whether the raw arguments ask for verbose output, wherever the flag stands. */
    public static boolean requested(String... args) {
        List<String> list = Arrays.asList(args);
        int end = list.indexOf("--"); // after "--" everything is a positional value
        return (end < 0 ? list : list.subList(0, end)).stream().anyMatch(a -> a.equals(LONG) || a.equals(SHORT));
    }

    /** Whether the flag was given at any level of a parsed command line. */
    static boolean isOn(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(LONG)) {
                return true;
            }
        }
        return false;
    }
}
