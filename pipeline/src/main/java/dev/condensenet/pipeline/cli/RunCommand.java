package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.ExitCodes;
import dev.condensenet.cli.Flags;
import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.job.StreamingJob;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--status-interval", paramLabel = "SECONDS", description = "Print a status line (frames in, "
            + "predictions, dead letters, frames/s, mean batch, p99 latency) this often on stderr; 0: never "
            + "(default: ${DEFAULT-VALUE})")
    long statusIntervalS = 10;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Flags.require(stopAfterS >= 0, spec, "--stop-after-s", "must be >= 0 (0 = until Ctrl-C)");
        Flags.require(statusIntervalS >= 0, spec, "--status-interval", "must be >= 0 (0 = no status lines)");
        Configuration flink = new Configuration();
        if (prometheusPort != null) {
            Flags.require(prometheusPort >= 1 && prometheusPort <= 65535, spec, "--prometheus-port", "use 1..65535");
            LocalInputs.requireFreePort(prometheusPort, "--prometheus-port");
            flink.addAll(StreamingJob.prometheus(prometheusPort));
        }
        if (statusIntervalS > 0) {
            StatusMetrics.configure(flink);
        }
        StreamingJob.Prepared job = options.toBuilder()
                .optFlinkConfiguration(flink)
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
        ScheduledExecutorService status = statusIntervalS > 0 ? statusLines(statusIntervalS) : null;
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<?> result = client.getJobExecutionResult();
        Thread hook = new Thread(() -> cancel(client, stopping, result), "stop-job");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (stopAfterS > 0) {
                try {
                    result.get(stopAfterS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (status != null) {
                        status.shutdownNow(); // the job's metrics go with it
                    }
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
            return ExitCodes.FAILED;
        } finally {
            job.close(); // the model this JVM loaded before the job started
            if (status != null) {
                status.shutdownNow();
            }
            if (!stopping.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /** A status line every {@code seconds} on stderr, from the job's metrics in this JVM ({@link StatusMetrics}). */
    private static ScheduledExecutorService statusLines(long seconds) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-lines");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<StatusMetrics.Snapshot> last = new AtomicReference<>(StatusMetrics.Snapshot.now());
        timer.scheduleAtFixedRate(() -> {
            StatusMetrics.Snapshot now = StatusMetrics.Snapshot.now();
            System.err.println(now.line(last.getAndSet(now), StatusMetrics.p99("latencyMs")));
        }, seconds, seconds, TimeUnit.SECONDS);
        return timer;
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
