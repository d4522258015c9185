package dev.condensenet.pipeline.cli;

import dev.condensenet.model.error.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar condensenet-pipeline.jar <demo|run|produce|consume|broker|bench>}. Exit codes: 0 success, 1 the
 * work failed (e.g. frames unaccounted for, job failed), 2 bad usage or setup (flags, model directory,
 * unreachable broker, missing topic), always with a one-line {@code error:} message.
 */
@Command(name = "condensenet-pipeline", mixinStandardHelpOptions = true, version = "condensenet-pipeline 0.1.0",
        description = "Streaming CondenseNet inference: Kafka frames -> Flink (micro-batched DJL) -> Kafka predictions.",
        subcommands = {DemoCommand.class, RunCommand.class, ProduceCommand.class, ConsumeCommand.class, BrokerCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class})
public final class PipelineCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: demo, run, produce, consume, broker or bench");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new PipelineCli());
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, args2) -> {
            if (e.getCommandLine().getCommand() instanceof BenchCommand) { // one line, no usage dump
                e.getCommandLine().getErr().println("error: " + e.getMessage().replaceAll("\\s+", " ").trim()
                        + " (see bench --help)");
                e.getCommandLine().getErr().flush();
                return 2;
            }
            return usage.handleParseException(e, args2);
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof UserError) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 2;
            }
            err.println("error: " + UserError.oneLine(e));
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }
}
