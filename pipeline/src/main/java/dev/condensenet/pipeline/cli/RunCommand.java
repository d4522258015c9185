package dev.condensenet.pipeline.cli;

import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.job.StreamingJob;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The streaming job against a real Kafka, on a local Flink (MiniCluster) in this JVM. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the streaming job against a Kafka cluster on a local Flink in this JVM until Ctrl-C.",
            "The same flags work for the job jar under 'flink run' (entry class",
            "dev.condensenet.pipeline.cli.JobMain). Topics must exist."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    JobOptions options = new JobOptions();

    @Option(names = "--stop-after-s", description = "Cancel the job after this many seconds (0: run until Ctrl-C) "
            + "(default: ${DEFAULT-VALUE})")
    long stopAfterS = 0;

    @Option(names = "--prometheus-port", description = "Serve the job's metrics for Prometheus at "
            + "http://<host>:PORT/metrics (local Flink only; a cluster configures its own reporter)")
    Integer prometheusPort;

    @Override
    public Integer call() throws Exception {
        StreamingJob.Prepared job = options.toBuilder()
                .optFlinkConfiguration(prometheusPort == null ? new Configuration() : StreamingJob.prometheus(prometheusPort))
                .optLoadModelHere(true)
                .prepare(); // SetupException → exit 2
        System.err.printf("model %s (%dx%dx%d, %d classes), parallelism %d, %s; %s -> %s, dead letters -> %s. "
                        + "Ctrl-C stops.%n", job.model().name, job.model().channels, job.model().height,
                job.model().width, job.model().numClasses(), job.parallelism(),
                job.kafka().guarantee().name().toLowerCase().replace('_', '-'), job.kafka().inputTopic(),
                job.kafka().outputTopic(), job.kafka().deadLetterTopic());
        if (prometheusPort != null) {
            System.err.println("metrics: http://127.0.0.1:" + prometheusPort + "/metrics");
        }
        JobClient client = job.env().executeAsync(StreamingJob.JOB_NAME);
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<?> result = client.getJobExecutionResult();
        Thread hook = new Thread(() -> cancel(client, stopping, result), "stop-job");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (stopAfterS > 0) {
                try {
                    result.get(stopAfterS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    cancel(client, stopping, result);
                }
            }
            result.get();
            return 0;
        } catch (ExecutionException e) {
            if (stopping.get()) {
                System.err.println("stopped");
                return 0;
            }
            System.err.println("error: job failed: " + UserError.oneLine(e));
            return 1;
        } finally {
            if (!stopping.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    private static void cancel(JobClient client, AtomicBoolean stopping, CompletableFuture<?> result) {
        if (result.isDone() || !stopping.compareAndSet(false, true)) {
            return;
        }
        try {
            client.cancel().get(30, TimeUnit.SECONDS);
            result.handle((r, t) -> null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("warning: could not cancel the job cleanly: " + UserError.oneLine(e));
        }
    }
}
