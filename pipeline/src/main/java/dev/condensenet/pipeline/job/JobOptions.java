package dev.condensenet.pipeline.job;

import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.wire.DeadLetterSerializer;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The streaming job's flags, shared by {@code PipelineCli run} and {@link StreamingJob} (the entry
 * class for {@code flink run}). Defaults live in the field initializers so code can build an instance
 * without parsing.
 */
public class JobOptions {
    /** Delivery guarantee of the output topics. */
    public enum Guarantee { AT_LEAST_ONCE, EXACTLY_ONCE }

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,host:port]")
    public String bootstrapServers;

    @Option(names = "--input-topic", description = "Topic with image frames (default: ${DEFAULT-VALUE})")
    public String inputTopic = Topics.FRAMES;

    @Option(names = "--output-topic", description = "Topic for JSON predictions (default: ${DEFAULT-VALUE})")
    public String outputTopic = Topics.PREDICTIONS;

    @Option(names = "--dlq-topic", description = "Topic for dead letters (default: ${DEFAULT-VALUE})")
    public String dlqTopic = Topics.DEAD_LETTERS;

    @Option(names = "--model", required = true, description = "Model directory written by training "
            + "(config.json + parameters); must exist at this path on every TaskManager")
    public Path model;

    @Option(names = "--max-batch", description = "Most frames per inference batch (default: ${DEFAULT-VALUE})")
    public int maxBatch = 32;

    @Option(names = "--max-delay-ms", description = "Longest a frame waits for its batch to fill (default: ${DEFAULT-VALUE})")
    public long maxDelayMs = 20;

    @Option(names = "--guarantee", converter = GuaranteeConverter.class,
            description = "at-least-once or exactly-once (transactional output; consumers need "
                    + "isolation.level=read_committed) (default: at-least-once)")
    public Guarantee guarantee = Guarantee.AT_LEAST_ONCE;

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

    @Option(names = "--device", description = "auto, cpu or gpu; in a cluster the GPU index comes from "
            + "Flink's external resource 'gpu' (default: ${DEFAULT-VALUE})")
    public String device = "auto";

    @Option(names = "--inference-threads", description = "PyTorch intra-op threads per TaskManager JVM "
            + "(default: ${DEFAULT-VALUE})")
    public int inferenceThreads = 1;

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

    public String groupId() {
        return groupId != null ? groupId : "condensenet-" + inputTopic;
    }

    public String transactionalIdPrefix() {
        return transactionalIdPrefix != null ? transactionalIdPrefix : groupId();
    }

    /** Checks what picocli cannot; a one-line message per problem. */
    public void validate() {
        require(maxBatch >= 1 && maxBatch <= 4096, "--max-batch must be 1..4096");
        require(maxDelayMs >= 1, "--max-delay-ms must be >= 1");
        require(checkpointIntervalMs >= 100, "--checkpoint-interval must be >= 100 ms");
        require(parallelism == null || parallelism >= 1, "--parallelism must be >= 1");
        require(inferenceThreads >= 1, "--inference-threads must be >= 1");
        require(topK >= 1, "--top-k must be >= 1");
        require(maxPixels >= 1 && maxFrameBytes >= 1, "--max-pixels and --max-frame-bytes must be >= 1");
        require(deadLetterMaxBytes >= 0, "--dead-letter-max-bytes must be >= 0");
        require(restartDelayMs >= 0, "--restart-delay-ms must be >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Accepts at-least-once / exactly-once (and the enum names). */
    public static final class GuaranteeConverter implements picocli.CommandLine.ITypeConverter<Guarantee> {
        @Override
        public Guarantee convert(String value) {
            String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            try {
                return Guarantee.valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected at-least-once or exactly-once, not '" + value + "'");
            }
        }
    }
}
