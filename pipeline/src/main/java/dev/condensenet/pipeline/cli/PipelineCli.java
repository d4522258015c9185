package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.OneLineErrors;
import dev.condensenet.cli.RootCommand;
import dev.condensenet.cli.VerboseOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar condensenet-pipeline.jar <demo|run|produce|consume|broker|bench>}. Exit codes
 * ({@link dev.condensenet.cli.ExitCodes}): 0 success, 1 the work failed (e.g. frames unaccounted for, job
 * failed), 2 bad usage or setup (flags, model directory, unreachable broker, missing topic, no command), always
 * with a one-line {@code error:} message.
 */
@Command(name = "condensenet-pipeline", mixinStandardHelpOptions = true, version = "condensenet-pipeline 0.1.0",
        description = "Streaming CondenseNet inference: Kafka frames -> Flink (micro-batched DJL) -> Kafka predictions.",
        subcommands = {DemoCommand.class, RunCommand.class, ProduceCommand.class, ConsumeCommand.class, BrokerCommand.class,
            BenchCommand.class, LogitDiffCommand.class, CommandLine.HelpCommand.class})
public final class PipelineCli extends RootCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        configureLogging(VerboseOption.requested(args));
        return OneLineErrors.install(new CommandLine(new PipelineCli())).execute(args);
    }

    /**
     * Flink, Kafka and DJL log on WARN, or on INFO when verbose (log4j2.xml reads the property when the first
     * logger is created, so this runs before anything logs).
     */
    static void configureLogging(boolean verbose) {
        if (verbose) {
            System.setProperty("condensenet.libraryLogLevel", "INFO");
        }
    }
}
