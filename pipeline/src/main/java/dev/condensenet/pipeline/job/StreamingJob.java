package dev.condensenet.pipeline.job;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.error.UserError;
import dev.condensenet.model.store.ModelDirectoryException;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.inference.InferenceEngine;
import dev.condensenet.pipeline.inference.LoadedModels;
import dev.condensenet.pipeline.inference.ModelSpec;
import dev.condensenet.pipeline.inference.ModelSwapSettings;
import dev.condensenet.pipeline.inference.PredictorFactory;
import dev.condensenet.pipeline.inference.VersionedPredictorFactory;
import dev.condensenet.pipeline.kafka.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;

/**
 * Builds the streaming job, Kafka -> decode -> micro-batched DJL inference -> Kafka, on whatever environment it
 * is started in: the cluster under {@code flink run}, a local MiniCluster from the command line. Every check
 * that can fail (settings, model directory, brokers, topics, dead-letter size) runs before the graph is built,
 * so a problem is one line instead of a job that fails and restarts later.
 *
 * <pre>{@code
 * StreamingJob.Prepared job = StreamingJob.builder()
 *         .setKafka(KafkaSettings.of("127.0.0.1:9092"))
 *         .setModel(Path.of("testdata/models/fmnist-26"))
 *         .optBatching(new BatchingSettings(32, 20))
 *         .prepare();
 * job.env().execute(StreamingJob.JOB_NAME);
 * }</pre>
 */
public final class StreamingJob {
    public static final String JOB_NAME = "condensenet-pipeline";

    private StreamingJob() {
    }

    /**
     * A job that passed every check and is ready to execute. With {@link Builder#optLoadModelHere} it also
     * holds the model loaded in this JVM, which the job's local subtasks share; {@link #close()} lets go of it
     * once the job has ended (closing earlier only means a subtask that starts later loads it again).
     */
    public record Prepared(StreamExecutionEnvironment env, ModelSpec model, int parallelism, KafkaSettings kafka,
                           LoadedModels.Lease heldModel) implements AutoCloseable {
        @Override
        public void close() {
            if (heldModel != null) {
                heldModel.close();
            }
        }
    }

    /** A problem the user must fix before the job can start (model, broker, topics, settings). */
    public static final class SetupException extends UserError {
        private static final long serialVersionUID = 1L;

        public SetupException(String message) {
            super(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Settings of one job: {@code set*} are required, {@code opt*} have the defaults of the command line and
     * throw {@link IllegalArgumentException} naming the flag for a value out of range.
     */
    public static final class Builder {
        private KafkaSettings kafka;
        private Path model;
        private Path modelRoot;
        private ModelSwapSettings modelSwap = ModelSwapSettings.DEFAULT;
        private DeviceSpec device = DeviceSpec.AUTO;
        private int inferenceThreads = 1;
        private InferenceEngine engine = InferenceEngine.PYTORCH;
        private FrameLimits limits = FrameLimits.DEFAULT;
        private BatchingSettings batching = BatchingSettings.DEFAULT;
        private int topK = 3;
        private CheckpointSettings checkpoints = CheckpointSettings.DEFAULT;
        private Integer parallelism;
        private Configuration flink = new Configuration();
        private boolean loadModelHere;

        private Builder() {
        }

        public Builder setKafka(KafkaSettings kafka) {
            this.kafka = kafka;
            return this;
        }

        /** The model directory; it must exist at this path on every TaskManager. */
        public Builder setModel(Path dir) {
            this.model = dir;
            return this;
        }

        /**
         * A versioned model root instead of {@link #setModel} (numbered version directories, docs/guarantees.md
         * "Model updates"): each subtask serves the highest version that loads (or the pinned one) and swaps
         * to a newer one between two batches. It must exist at this path on every TaskManager (a shared volume).
         */
        public Builder setModelRoot(Path root) {
            this.modelRoot = root;
            return this;
        }

        /** How a job on a model root follows it; default poll every 10 s, highest version, same labels. */
        public Builder optModelSwap(ModelSwapSettings swap) {
            this.modelSwap = swap;
            return this;
        }

        /** Where each subtask runs the model ({@code --device}); default auto. */
        public Builder optDevice(DeviceSpec device) {
            this.device = device;
            return this;
        }

        /** PyTorch intra-op threads per TaskManager JVM (libtorch's thread pool is JVM-wide), 0 = one per core. */
        public Builder optInferenceThreads(int threads) {
            require(threads >= 0, "--threads must be >= 0 (0 = one per core), not " + threads);
            this.inferenceThreads = threads;
            return this;
        }

        /**
         * The runtime that serves the model ({@code --engine}); default PyTorch (the compiled network). ONNX
         * Runtime runs on the CPU only, with {@link #optInferenceThreads} threads per subtask.
         */
        public Builder optEngine(InferenceEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        public Builder optFrameLimits(FrameLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder optBatching(BatchingSettings batching) {
            this.batching = batching;
            return this;
        }

        /** Labels with scores per prediction, >= 1. */
        public Builder optTopK(int k) {
            require(k >= 1, "--top-k must be >= 1, not " + k);
            this.topK = k;
            return this;
        }

        public Builder optCheckpoints(CheckpointSettings checkpoints) {
            this.checkpoints = checkpoints;
            return this;
        }

        /** Subtasks; default the cluster's {@code parallelism.default} if set, else the input partition count. */
        public Builder optParallelism(Integer parallelism) {
            require(parallelism == null || parallelism >= 1, "--parallelism must be >= 1, not " + parallelism);
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Extra Flink settings for a local run (e.g. a metrics reporter); on a cluster, cluster-level settings
         * come from its own configuration instead.
         */
        public Builder optFlinkConfiguration(Configuration extra) {
            this.flink = extra;
            return this;
        }

        /**
         * Also loads the model in this JVM before anything starts (local runs, where DJL is at hand anyway: a
         * damaged parameter file becomes a one-line setup error instead of task failures) and keeps it loaded
         * in the {@link Prepared} job, whose local subtasks then share that one load. A {@code flink run}
         * client should not load libtorch.
         */
        public Builder optLoadModelHere(boolean load) {
            this.loadModelHere = load;
            return this;
        }

        /**
         * Validates the settings, the model directory and the Kafka topics, then builds the job graph on the
         * current execution environment.
         *
         * @throws SetupException one line naming what to fix
         */
        public Prepared prepare() throws SetupException {
            PredictorFactory factory;
            int partitions;
            LoadedModels.Lease held = null;
            try {
                Objects.requireNonNull(kafka, "setKafka is required");
                if ((model == null) == (modelRoot == null)) {
                    throw new IllegalArgumentException("give exactly one of --model DIR and --model-root DIR");
                }
                if (model != null) {
                    factory = engine.factory(model, device, inferenceThreads);
                    if (loadModelHere) {
                        if (factory instanceof DjlPredictorFactory djl) {
                            held = djl.hold(batching.maxBatch()); // the local subtasks share this load
                        } else { // ONNX Runtime builds its own session per subtask: only check the parameters
                            DjlPredictorFactory.of(model, DeviceSpec.CPU, inferenceThreads).checkLoads();
                        }
                    }
                } else {
                    VersionedPredictorFactory versioned = VersionedPredictorFactory.of(modelRoot, modelSwap, device,
                            inferenceThreads, engine);
                    if (loadModelHere) {
                        held = versioned.hold(batching.maxBatch());
                    }
                    factory = versioned;
                }
                // A dead letter too large for Kafka would fail the job: refuse such settings up front.
                KafkaWiring.checkDeadLetterFitsProducer(kafka);
                try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), kafka.client())) {
                    Duration timeout = Duration.ofSeconds(15);
                    partitions = KafkaClients.partitionCount(admin, kafka.inputTopic(), timeout);
                    KafkaClients.partitionCount(admin, kafka.outputTopic(), timeout);
                    KafkaClients.partitionCount(admin, kafka.deadLetterTopic(), timeout);
                    KafkaClients.maxMessageBytes(admin, kafka.deadLetterTopic(), timeout)
                            .ifPresent(max -> KafkaWiring.checkDeadLetterFitsTopic(kafka, max));
                }
            } catch (ModelDirectoryException | KafkaClients.KafkaSetupException | IllegalArgumentException e) {
                closeQuietly(held);
                throw new SetupException(e.getMessage());
            } catch (org.apache.kafka.common.KafkaException e) {
                closeQuietly(held);
                throw new SetupException("Kafka client setup failed: " + e.getMessage());
            } catch (RuntimeException | Error e) {
                closeQuietly(held);
                throw e;
            }
            Configuration conf = flinkConfig(checkpoints);
            conf.addAll(flink);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            int p = parallelism(parallelism, env.getConfiguration(), partitions);
            env.setParallelism(p);
            env.enableCheckpointing(checkpoints.intervalMs(),
                    kafka.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
            PipelineGraph.build(env, KafkaWiring.source(kafka), KafkaWiring.predictionSink(kafka),
                    KafkaWiring.deadLetterSink(kafka), factory, factory.spec().decoderSettings(limits), batching, topK);
            return new Prepared(env, factory.spec(), p, kafka, held);
        }

        private static void closeQuietly(LoadedModels.Lease held) {
            if (held != null) {
                held.close();
            }
        }

        /** @throws IllegalArgumentException with {@code message} unless {@code ok} */
        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * The job's parallelism: {@code --parallelism} if given, else the cluster's {@code parallelism.default} when
     * one is configured (the Kubernetes operator sets it from {@code job.parallelism}, compose from
     * FLINK_PROPERTIES: one place to set it), else one subtask per input partition.
     */
    static int parallelism(Integer requested, ReadableConfig cluster, int partitions) {
        if (requested != null) {
            return requested;
        }
        return cluster.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(partitions);
    }

    /**
     * Reads a model directory's description (config, class names; parameters are not loaded).
     *
     * @throws SetupException if the directory is missing or its config is damaged
     */
    public static ModelSpec describeModel(Path dir) throws SetupException {
        try {
            return DjlPredictorFactory.of(dir, DeviceSpec.CPU, 1).spec();
        } catch (ModelDirectoryException e) {
            throw new SetupException(e.getMessage());
        }
    }

    /**
     * Reads a model directory and loads its parameters once in this JVM: a missing, truncated or mismatched
     * model is a one-line setup error before anything else starts.
     *
     * @throws SetupException naming the directory and the problem
     */
    public static ModelSpec checkModel(Path dir) throws SetupException {
        try {
            DjlPredictorFactory f = DjlPredictorFactory.of(dir, DeviceSpec.CPU, 1);
            f.checkLoads();
            return f.spec();
        } catch (ModelDirectoryException e) {
            throw new SetupException(e.getMessage());
        }
    }

    /** Job-level settings; a cluster's own configuration still applies to everything not set here. */
    static Configuration flinkConfig(CheckpointSettings checkpoints) {
        Configuration conf = new Configuration();
        // Bounded restarts: a frame can never fail the job (bad frames are dead-lettered), so repeated
        // failures mean a broken model or environment, and an endless restart loop would hide that.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL, Duration.ofMinutes(10));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY,
                Duration.ofMillis(checkpoints.restartDelayMs()));
        if (checkpoints.directory() != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.directory());
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
