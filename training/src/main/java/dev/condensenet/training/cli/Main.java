package dev.condensenet.training.cli;

import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.OneLineErrors;
import dev.condensenet.cli.RootCommand;
import dev.condensenet.cli.VerboseOption;
import dev.condensenet.training.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code condensenet-training.jar}. Exit codes ({@link ExitCodes}): 0 done, 1 the work
 * failed (e.g. {@code verify-conversion} above its tolerance), 2 bad usage or setup, 3 training diverged;
 * every failure is one {@code error:} line.
 */
@Command(name = "condensenet-training", mixinStandardHelpOptions = true, version = "condensenet-training 0.1.0",
        description = "Train, condense, convert, inspect and benchmark CondenseNet (DJL + PyTorch).",
        subcommands = {InfoCommand.class, VerifyConversionCommand.class, TrainCommand.class, EvalCommand.class,
                CondenseCommand.class, SamplesCommand.class, BenchCommand.class, ExportOnnxCommand.class,
                CommandLine.HelpCommand.class})
public final class Main extends RootCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        configureLogging(VerboseOption.requested(args));
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return OneLineErrors.install(new CommandLine(new Main()),
                e -> e instanceof TrainingDivergedException ? ExitCodes.DIVERGED : OneLineErrors.exitCode(e));
    }

    /**
     * Quiet by default: DJL and libtorch chatter is a bug for a CLI. Must run before any logger exists,
     * hence system properties set before the first command class loads slf4j.
     */
    static void configureLogging(boolean verbose) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.log.dev.condensenet", verbose ? "debug" : "info");
        if (!verbose) {
            // "Failed to detect GPU count" on every CPU-only machine is noise, not a warning.
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    }
}
