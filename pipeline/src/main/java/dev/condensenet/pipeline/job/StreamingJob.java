package dev.condensenet.pipeline.job;

import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.inference.ModelSpec;
import dev.condensenet.pipeline.kafka.KafkaClients;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Entry class of the job jar for {@code flink run}, with the same flags as {@code PipelineCli run}.
 * Wires Kafka → decode → micro-batched DJL inference → Kafka on whatever environment it is started in:
 * the cluster under {@code flink run}, a local MiniCluster from the CLI.
 */
@Command(name = "StreamingJob", mixinStandardHelpOptions = true, sortOptions = false,
        description = "CondenseNet streaming inference: Kafka frames -> predictions and dead letters.")
public final class StreamingJob implements Callable<Integer> {
    public static final String JOB_NAME = "condensenet-pipeline";

    @Mixin
    JobOptions options = new JobOptions();

    /** A job that passed every check and is ready to execute. */
    public record Prepared(StreamExecutionEnvironment env, ModelSpec model, int parallelism) {}

    public static void main(String[] args) {
        int rc = new CommandLine(new StreamingJob()).execute(args);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    @Override
    public Integer call() throws Exception {
        Prepared job;
        try {
            job = prepare(options);
        } catch (SetupException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        job.env().execute(JOB_NAME);
        return 0;
    }

    /** A problem the user must fix before the job can start (model, broker, topics, flags). */
    public static final class SetupException extends Exception {
        public SetupException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Validates flags, the model directory and the Kafka topics, then builds the job graph on the
     * current execution environment. Fails fast with one line instead of submitting a job that would
     * fail (and restart) later.
     */
    public static Prepared prepare(JobOptions o) throws SetupException {
        return prepare(o, new Configuration());
    }

    /**
     * As {@link #prepare(JobOptions)}, with extra Flink settings for a local run (e.g. a metrics
     * reporter); on a cluster, cluster-level settings come from its own configuration instead.
     */
    public static Prepared prepare(JobOptions o, Configuration extra) throws SetupException {
        return prepare(o, extra, false);
    }

    /**
     * @param loadModelHere also load the model's parameters in this JVM first (local runs: a damaged
     *                      parameter file becomes a one-line setup error instead of task failures)
     */
    public static Prepared prepare(JobOptions o, Configuration extra, boolean loadModelHere) throws SetupException {
        DjlPredictorFactory model;
        Properties client;
        int partitions;
        try {
            o.validate();
            model = DjlPredictorFactory.of(o.model, DjlPredictorFactory.parseDevice(o.device), o.inferenceThreads);
            if (loadModelHere) {
                model.checkLoads();
            }
            client = KafkaClients.load(o.kafkaProperties);
            // A dead letter too large for Kafka would fail the job: refuse such settings up front.
            KafkaWiring.checkDeadLetterFitsProducer(o, client);
            try (Admin admin = KafkaClients.admin(o.bootstrapServers, client)) {
                Duration timeout = Duration.ofSeconds(15);
                partitions = KafkaClients.partitionCount(admin, o.inputTopic, timeout);
                KafkaClients.partitionCount(admin, o.outputTopic, timeout);
                KafkaClients.partitionCount(admin, o.dlqTopic, timeout);
                KafkaClients.maxMessageBytes(admin, o.dlqTopic, timeout)
                        .ifPresent(max -> KafkaWiring.checkDeadLetterFitsTopic(o, max));
            }
        } catch (ModelDirectoryException | KafkaClients.KafkaSetupException | IllegalArgumentException e) {
            throw new SetupException(e.getMessage());
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new SetupException("Kafka client setup failed: " + e.getMessage());
        }
        Configuration conf = flinkConfig(o);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        int parallelism = parallelism(o, env.getConfiguration(), partitions);
        env.setParallelism(parallelism);
        env.enableCheckpointing(o.checkpointIntervalMs, o.guarantee == JobOptions.Guarantee.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        PipelineGraph.build(env, KafkaWiring.source(o, client), KafkaWiring.predictionSink(o, client),
                KafkaWiring.deadLetterSink(o, client), model, o);
        return new Prepared(env, model.spec(), parallelism);
    }

    /**
     * The job's parallelism: {@code --parallelism} if given, else the cluster's {@code parallelism.default} when
     * one is configured (the Kubernetes operator sets it from {@code job.parallelism}, compose from
     * FLINK_PROPERTIES: one place to set it), else one subtask per input partition.
     */
    static int parallelism(JobOptions o, ReadableConfig cluster, int partitions) {
        if (o.parallelism != null) {
            return o.parallelism;
        }
        return cluster.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(partitions);
    }

    /**
     * Reads a model directory and loads its parameters once in this JVM: a missing, truncated or
     * mismatched model is a one-line setup error before anything else starts.
     */
    public static ModelSpec checkModel(java.nio.file.Path dir) throws SetupException {
        try {
            DjlPredictorFactory f = DjlPredictorFactory.of(dir, DjlPredictorFactory.DeviceChoice.CPU, 1);
            f.checkLoads();
            return f.spec();
        } catch (ModelDirectoryException e) {
            throw new SetupException(e.getMessage());
        }
    }

    /** Job-level settings; a cluster's own configuration still applies to everything not set here. */
    public static Configuration flinkConfig(JobOptions o) {
        Configuration conf = new Configuration();
        // Bounded restarts: a frame can never fail the job (bad frames are dead-lettered), so repeated
        // failures mean a broken model or environment, and an endless restart loop would hide that.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL, Duration.ofMinutes(10));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, Duration.ofMillis(o.restartDelayMs));
        if (o.checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir);
        }
        return conf;
    }

    /** Local Flink settings exposing all metrics (the {@code condensenet} group too) to Prometheus. */
    public static Configuration prometheus(int port) {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", Integer.toString(port));
        return conf;
    }
}
