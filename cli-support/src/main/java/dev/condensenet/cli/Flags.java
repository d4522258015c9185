package dev.condensenet.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Validation of one flag at a time: a refused value is a usage error that names that flag and the value
 * as the user typed it ({@code --lr -1: must be positive}), never a message lumping several flags.
 */
public final class Flags {

    private Flags() {
    }

    /**
     * @param spec the command the flag belongs to (with its mixins)
     * @param flag the option's name, e.g. {@code --lr}
     * @param rule what a valid value is, e.g. {@code must be positive}
     * @throws ParameterException {@code <flag> <value>: <rule>} when {@code ok} is false
     */
    public static void require(boolean ok, CommandSpec spec, String flag, String rule) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), flag + " " + typed(spec, flag) + ": " + rule);
        }
    }

    /** Whether the user gave {@code flag} (not just its default). */
    public static boolean given(CommandSpec spec, String flag) {
        return spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** The value of {@code flag} as typed (its last occurrence), or its default. */
    static String typed(CommandSpec spec, String flag) {
        OptionSpec o = spec.findOption(flag);
        if (o == null) {
            throw new IllegalArgumentException("no option " + flag + " in " + spec.qualifiedName());
        }
        if (given(spec, flag)) {
            var values = spec.commandLine().getParseResult().matchedOption(flag).stringValues();
            return values.isEmpty() ? "" : values.get(values.size() - 1);
        }
        return o.defaultValue() == null ? String.valueOf((Object) o.getValue()) : o.defaultValue();
    }
}
