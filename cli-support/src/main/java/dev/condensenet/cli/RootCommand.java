package dev.condensenet.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top command of a jar (annotate the subclass with {@code @Command(subcommands = ...)}): {@code --verbose}
 * for it and every subcommand, and no command given is a usage error (exit 2) like any other.
 */
public abstract class RootCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Override
    public void run() {
        throw OneLineErrors.noCommand(spec.commandLine());
    }
}
