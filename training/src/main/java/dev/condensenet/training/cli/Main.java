package dev.condensenet.training.cli;

import dev.condensenet.model.error.UserError;
import dev.condensenet.training.train.TrainingDivergedException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code condensenet-training.jar}. */
@Command(name = "condensenet-training", mixinStandardHelpOptions = true, version = "condensenet-training 0.1.0",
        description = "Train, condense, convert, inspect and benchmark CondenseNet (DJL + PyTorch).",
        subcommands = {InfoCommand.class, VerifyConversionCommand.class, TrainCommand.class, EvalCommand.class,
                CondenseCommand.class, SamplesCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code for bad input: flags, configs, model directories, data. */
    public static final int EXIT_BAD_INPUT = UserError.EXIT_CODE;
    /** Exit code when training diverged (NaN/Inf loss); the last good checkpoint is kept. */
    public static final int EXIT_DIVERGED = 3;

    @Option(names = {"-v", "--verbose"}, description = "Show DJL, PyTorch and progress logs.")
    boolean verbose;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        configureLogging(Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v"));
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof TrainingDivergedException) {
                err.println("error: " + e.getMessage());
                err.flush();
                return EXIT_DIVERGED;
            }
            if (e instanceof UserError) {
                err.println("error: " + e.getMessage());
                err.flush();
                return EXIT_BAD_INPUT;
            }
            throw e;
        });
        return cl;
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
