package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingMode;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.InferenceEngine;
import dev.condensenet.pipeline.inference.ModelSwapSettings;
import dev.condensenet.pipeline.inference.OrtPredictorFactory;
import dev.condensenet.pipeline.job.CheckpointSettings;
import dev.condensenet.pipeline.job.KafkaSettings;
import dev.condensenet.pipeline.job.StreamingJob;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streaming job's flags, shared by {@code run} and {@link JobMain} (the entry class for {@code flink run}).
 * Parsing fills the fields once; {@link #toBuilder()} turns them into the job's settings records, which the
 * job takes instead of this class.
 */
public class JobOptions {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,host:port]")
    public String bootstrapServers;

    @Option(names = "--input-topic", description = "Topic with image frames (default: ${DEFAULT-VALUE})")
    public String inputTopic = Topics.FRAMES;

    @Option(names = "--output-topic", description = "Topic for JSON predictions (default: ${DEFAULT-VALUE})")
    public String outputTopic = Topics.PREDICTIONS;

    @Option(names = "--dlq-topic", description = "Topic for dead letters (default: ${DEFAULT-VALUE})")
    public String dlqTopic = Topics.DEAD_LETTERS;

    @Option(names = "--model", description = "Model directory written by training (config.json + parameters), "
            + "served as it is; must exist at this path on every TaskManager. Or --model-root")
    public Path model;

    @Option(names = "--model-root", description = "Versioned model root: numbered version directories DIR/1/, "
            + "DIR/2/, ... (written by train/condense --model-root); the highest that loads is served and a newer "
            + "one is swapped in between two batches without stopping; must exist at this path on every "
            + "TaskManager (a shared volume)")
    public Path modelRoot;

    @Option(names = "--model-poll-interval-s", description = "With --model-root: seconds between two looks for a "
            + "new version, per subtask (default: ${DEFAULT-VALUE})")
    public double modelPollIntervalS = 10;

    @Option(names = "--model-version", description = "With --model-root: serve only version N (pin; e.g. to roll "
            + "back); default the highest")
    public Long modelVersion;

    @Option(names = "--allow-label-change", description = "With --model-root: accept a new version whose class "
            + "names, class count or input shape differ (downstream consumers depend on them)")
    public boolean allowLabelChange;

    @Option(names = "--max-batch", description = "Most frames per inference batch (default: ${DEFAULT-VALUE})")
    public int maxBatch = 32;

    @Option(names = "--max-delay-ms", description = "Longest a frame waits for its batch to fill (default: ${DEFAULT-VALUE})")
    public long maxDelayMs = 20;

    @Option(names = "--batching", converter = BatchingConverter.class, description = "per-subtask (each subtask "
            + "runs its own batches), shared (one model and merged batches per TaskManager and device; for GPUs) "
            + "or overlapped (per-subtask, inference on a thread of the subtask while the next batch is decoded) "
            + "(default: per-subtask)")
    public BatchingMode batching = BatchingMode.PER_SUBTASK;

    @Option(names = "--guarantee", converter = GuaranteeConverter.class,
            description = "at-least-once or exactly-once (transactional output; consumers need "
                    + "isolation.level=read_committed) (default: at-least-once)")
    public DeliveryGuarantee guarantee = DeliveryGuarantee.AT_LEAST_ONCE;

    @Option(names = "--checkpoint-interval", description = "Checkpoint interval in ms; with exactly-once, "
            + "output becomes visible once per checkpoint (default: ${DEFAULT-VALUE})")
    public long checkpointIntervalMs = 5000;

    @Option(names = "--checkpoint-dir", description = "Durable checkpoint location (file:///..., s3://...); "
            + "default: the cluster's configuration, or the JobManager's memory locally")
    public String checkpointDir;

    @Option(names = "--parallelism", description = "Subtasks (default: the cluster's parallelism.default if set, else the input topic's partition count)")
    public Integer parallelism;

    @Option(names = "--kafka-properties", description = "Properties file with client settings (TLS, SASL, ...) "
            + "passed to every Kafka client of the job")
    public Path kafkaProperties;

    /** auto/gpu: in a cluster, the GPU Flink's external resource 'gpu' assigned to the TaskManager. */
    @Mixin
    public DeviceOption device = new DeviceOption();

    /** Per TaskManager JVM: libtorch's thread pool is shared by the subtasks there (ONNX Runtime: per subtask). */
    @Mixin
    public ThreadsOption threads = new ThreadsOption(1);

    @Option(names = "--engine", converter = EngineConverter.class, description = "pytorch (the compiled network "
            + "on libtorch; CPU or GPU) or onnxruntime (the same network exported to ONNX in each subtask and run "
            + "by ONNX Runtime on the CPU, --threads per subtask; faster at small batches) (default: pytorch)")
    public InferenceEngine engine = InferenceEngine.PYTORCH;

    @Option(names = "--top-k", description = "Labels with scores per prediction (default: ${DEFAULT-VALUE})")
    public int topK = 3;

    @Option(names = "--max-pixels", description = "Refuse images whose header declares more pixels "
            + "(checked before decoding) (default: ${DEFAULT-VALUE})")
    public long maxPixels = DecoderSettings.DEFAULT_MAX_PIXELS;

    @Option(names = "--max-frame-bytes", description = "Refuse record values larger than this (default: ${DEFAULT-VALUE})")
    public int maxFrameBytes = DecoderSettings.DEFAULT_MAX_BYTES;

    @Option(names = "--dead-letter-max-bytes", description = "Most bytes of the original record (key, headers, "
            + "value) copied into a dead letter; a larger record's value is cut to a prefix, with headers "
            + "truncated, original-size and original-sha256. Plus 4096 must fit the producer's max.request.size "
            + "and the dead-letter topic's max.message.bytes (default: ${DEFAULT-VALUE})")
    public int deadLetterMaxBytes = DeadLetterSerializer.DEFAULT_MAX_BYTES;

    @Option(names = "--group-id", description = "Consumer group (offsets are also kept in checkpoints) "
            + "(default: condensenet-<input-topic>)")
    public String groupId;

    @Option(names = "--transactional-id-prefix", description = "Prefix of the sinks' transactional ids; "
            + "unique per job and stable across restarts (default: the group id)")
    public String transactionalIdPrefix;

    @Option(names = "--restart-delay-ms", description = "Pause before a restart after a failure; at most "
            + "5 failures per 10 minutes, then the job fails (default: ${DEFAULT-VALUE})")
    public long restartDelayMs = 5000;

    /**
     * The job's builder with every flag applied: each value is checked here (one line naming the flag) and the
     * {@code --kafka-properties} file is read.
     *
     * @throws StreamingJob.SetupException for a value out of range or an unreadable properties file
     */
    public StreamingJob.Builder toBuilder() throws StreamingJob.SetupException {
        try {
            return builder(KafkaClients.load(kafkaProperties));
        } catch (KafkaClients.KafkaSetupException e) {
            throw new StreamingJob.SetupException(e.getMessage());
        }
    }

    /**
     * Checks every value as {@link #toBuilder()} does, without reading files.
     *
     * @throws StreamingJob.SetupException naming the flag that is out of range
     */
    public void validate() throws StreamingJob.SetupException {
        builder(new Properties());
    }

    private StreamingJob.Builder builder(Properties client) throws StreamingJob.SetupException {
        try {
            if (engine == InferenceEngine.ONNXRUNTIME) {
                OrtPredictorFactory.requireCpu(device.get());
            }
            KafkaSettings kafka = new KafkaSettings(bootstrapServers, inputTopic, outputTopic, dlqTopic, groupId,
                    transactionalIdPrefix, guarantee, client, deadLetterMaxBytes);
            return StreamingJob.builder()
                    .setKafka(kafka)
                    .setModel(model)
                    .setModelRoot(modelRoot)
                    .optModelSwap(modelSwap())
                    .optDevice(device.get())
                    .optInferenceThreads(threads.get())
                    .optEngine(engine)
                    .optFrameLimits(new FrameLimits(maxPixels, maxFrameBytes))
                    .optBatching(new BatchingSettings(maxBatch, maxDelayMs, batching))
                    .optTopK(topK)
                    .optCheckpoints(new CheckpointSettings(checkpointIntervalMs, checkpointDir, restartDelayMs))
                    .optParallelism(parallelism);
        } catch (IllegalArgumentException e) {
            throw new StreamingJob.SetupException(e.getMessage());
        }
    }

    private ModelSwapSettings modelSwap() {
        if ((model == null) == (modelRoot == null)) {
            throw new IllegalArgumentException("give exactly one of --model DIR and --model-root DIR");
        }
        if (modelRoot == null && (modelVersion != null || allowLabelChange)) {
            throw new IllegalArgumentException((modelVersion != null ? "--model-version" : "--allow-label-change")
                    + " applies only to --model-root");
        }
        if (!(modelPollIntervalS > 0) || Double.isInfinite(modelPollIntervalS)) {
            throw new IllegalArgumentException("--model-poll-interval-s must be > 0, not " + modelPollIntervalS);
        }
        if (modelVersion != null && modelVersion < 1) {
            throw new IllegalArgumentException("--model-version must be >= 1, not " + modelVersion);
        }
        return new ModelSwapSettings(Math.max(1, Math.round(modelPollIntervalS * 1000)),
                modelVersion == null ? 0 : modelVersion, allowLabelChange);
    }

    /** {@code --engine}: pytorch or onnxruntime. */
    public static final class EngineConverter implements picocli.CommandLine.ITypeConverter<InferenceEngine> {
        @Override
        public InferenceEngine convert(String value) {
            try {
                return InferenceEngine.parse(value.trim().toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected pytorch or onnxruntime, not '" + value + "'");
            }
        }
    }

    /** {@code --batching}: per-subtask, shared or overlapped. */
    public static final class BatchingConverter implements picocli.CommandLine.ITypeConverter<BatchingMode> {
        @Override
        public BatchingMode convert(String value) {
            try {
                return BatchingMode.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected per-subtask, shared or overlapped, not '" + value + "'");
            }
        }
    }

    /** Accepts at-least-once / exactly-once (and the enum names). */
    public static final class GuaranteeConverter implements picocli.CommandLine.ITypeConverter<DeliveryGuarantee> {
        @Override
        public DeliveryGuarantee convert(String value) {
            String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            try {
                DeliveryGuarantee g = DeliveryGuarantee.valueOf(v);
                if (g == DeliveryGuarantee.NONE) {
                    throw new IllegalArgumentException(v);
                }
                return g;
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected at-least-once or exactly-once, not '" + value + "'");
            }
        }
    }
}
