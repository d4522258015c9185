package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.OneLineErrors;
import dev.condensenet.pipeline.job.StreamingJob;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Entry class of the job jar for {@code flink run} (and the Flink Kubernetes Operator's {@code entryClass}):
 * the same flags as {@code condensenet-pipeline.jar run}, the job executed on the cluster it is submitted to.
 * Bad flags, a bad model directory or unreachable topics end with one {@code error:} line and exit code 2
 * before anything is submitted.
 */
@Command(name = "JobMain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "CondenseNet streaming inference: Kafka frames -> predictions and dead letters.")
public final class JobMain implements Callable<Integer> {

    @Mixin
    JobOptions options = new JobOptions();

    public static void main(String[] args) {
        int rc = execute(args);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /** Parses and runs; every failure is one {@code error:} line with its exit code (tests call this). */
    public static int execute(String... args) {
        return OneLineErrors.install(new CommandLine(new JobMain())).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        StreamingJob.Prepared job = options.toBuilder().prepare(); // SetupException: one line, exit 2
        job.env().execute(StreamingJob.JOB_NAME);
        return 0;
    }
}
