package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.DeviceOption;
import dev.condensenet.cli.ThreadsOption;
import dev.condensenet.cli.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.cli.Flags;
import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.inference.BatchingMode;
import dev.condensenet.pipeline.inference.InferenceEngine;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.ModelSwapSettings;
import dev.condensenet.pipeline.inference.DjlPredictorFactory;
import dev.condensenet.pipeline.job.CheckpointSettings;
import dev.condensenet.pipeline.job.KafkaSettings;
import dev.condensenet.pipeline.job.StreamingJob;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.FrameProducer;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.SendResults;
import dev.condensenet.pipeline.wire.Headers;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Everything in one JVM: an in-JVM Kafka, the job on a local Flink, the sample images plus a few
 * malformed frames sent in, predictions and dead letters read back and checked against the labels.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole pipeline locally with no setup: in-JVM Kafka, local Flink, the shipped",
            "model and sample images (plus malformed frames); prints a summary. Exit 0 when every frame",
            "came back exactly once as a prediction or a dead letter."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model directory (default: the first in testdata/models/)")
    Path model;

    @Option(names = "--model-root", description = "Serve a versioned model root instead (numbered versions "
            + "DIR/1/, DIR/2/, ...; the highest that loads), swapping to a newer version between two batches")
    Path modelRoot;

    @Option(names = "--swap-to", description = "With --model-root: once half the frames are sent, publish this "
            + "model directory as the root's next version, to watch the swap live (the summary shows its cost)")
    Path swapTo;

    @Option(names = "--model-poll-interval-s", description = "With --model-root: seconds between two looks for a "
            + "new version (default: ${DEFAULT-VALUE})")
    double modelPollIntervalS = 1;

    @Option(names = "--images", description = "Images to send, with optional labels.csv "
            + "(default: testdata/fashion-mnist-sample)")
    Path images;

    @Mixin
    FpsOption rate;

    @Option(names = "--limit", description = "Send at most this many images; 0: all (default: ${DEFAULT-VALUE})")
    int limit = 0;

    @Option(names = "--max-batch", description = "(default: ${DEFAULT-VALUE})")
    int maxBatch = 32;

    @Option(names = "--max-delay-ms", description = "(default: ${DEFAULT-VALUE})")
    long maxDelayMs = 20;

    @Option(names = "--batching", converter = JobOptions.BatchingConverter.class,
            description = "per-subtask, shared or overlapped (default: per-subtask)")
    BatchingMode batching = BatchingMode.PER_SUBTASK;

    @Option(names = "--engine", converter = JobOptions.EngineConverter.class,
            description = "pytorch or onnxruntime (default: pytorch)")
    InferenceEngine engine = InferenceEngine.PYTORCH;

    @Mixin
    DeviceOption device = new DeviceOption();

    /** As the job's: libtorch's pool is shared by the subtasks of this JVM; ONNX Runtime has one per subtask. */
    @Mixin
    ThreadsOption threads = new ThreadsOption(1);

    @Option(names = "--parallelism", description = "Input partitions and subtasks (default: ${DEFAULT-VALUE})")
    int parallelism = 2;

    @Option(names = "--guarantee", converter = JobOptions.GuaranteeConverter.class,
            description = "at-least-once or exactly-once (default: at-least-once)")
    DeliveryGuarantee guarantee = DeliveryGuarantee.AT_LEAST_ONCE;

    @Option(names = "--timeout-s", description = "Give up waiting for outputs after this long (default: ${DEFAULT-VALUE})")
    long timeoutS = 180;

    @Option(names = "--prometheus-port", description = "Also serve the job's metrics for Prometheus on this port")
    Integer prometheusPort;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout")
    boolean json;

    @Mixin
    MaxFrameBytesOption frameBytes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        frameBytes.get();
        rate.get();
        Flags.require(limit >= 0, spec, "--limit", "must be >= 0 (0 = all images)");
        Flags.require(maxBatch >= 1, spec, "--max-batch", "must be at least 1");
        Flags.require(maxDelayMs >= 1, spec, "--max-delay-ms", "must be at least 1");
        Flags.require(parallelism >= 1, spec, "--parallelism", "must be at least 1");
        Flags.require(timeoutS >= 1, spec, "--timeout-s", "must be at least 1");
        if (prometheusPort != null) {
            Flags.require(prometheusPort >= 1 && prometheusPort <= 65535, spec, "--prometheus-port", "use 1..65535");
            LocalInputs.requireFreePort(prometheusPort, "--prometheus-port");
        }
        Flags.require(modelPollIntervalS > 0 && Double.isFinite(modelPollIntervalS), spec, "--model-poll-interval-s",
                "must be > 0");
        if (model != null && modelRoot != null) {
            throw new ParameterException(spec.commandLine(), "give --model or --model-root, not both");
        }
        if (swapTo != null && modelRoot == null) {
            throw new ParameterException(spec.commandLine(), "--swap-to needs --model-root");
        }
        Path modelDir = modelRoot == null ? LocalInputs.model(model) : null;
        Path imageDir = LocalInputs.images(images);
        if (modelDir != null) { // config and class names before the broker starts; parameters load in prepare()
            StreamingJob.describeModel(modelDir);
        }
        if (swapTo != null) {
            StreamingJob.checkModel(swapTo);
        }
        List<DemoFrames.Frame> frames = DemoFrames.load(imageDir, limit);
        Progress progress = new Progress(System.err);
        progress.show("starting Kafka (in-JVM) ...", false);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
                KafkaClients.ensureTopicsForFrames(admin, Map.of(Topics.FRAMES, parallelism, Topics.PREDICTIONS, 1,
                        Topics.DEAD_LETTERS, 1), (short) 1, Topics.FRAMES, frameBytes.get());
            }
            // The model loads once, here: the job's subtasks share this load (LoadedModels), so a damaged
            // parameter file is one line before Flink starts and the demo never loads the model twice.
            long loadsBefore = DjlPredictorFactory.loadsInThisJvm();
            try (StreamingJob.Prepared job = StreamingJob.builder()
                    .setKafka(KafkaSettings.of(kafka.bootstrapServers()).withGuarantee(guarantee))
                    .setModel(modelDir)
                    .setModelRoot(modelRoot)
                    .optModelSwap(new ModelSwapSettings(Math.max(1, Math.round(modelPollIntervalS * 1000)), 0, false))
                    .optLoadModelHere(true)
                    .optDevice(device.get())
                    .optInferenceThreads(threads.get())
                    .optEngine(engine)
                    .optParallelism(parallelism)
                    .optBatching(new BatchingSettings(maxBatch, maxDelayMs, batching))
                    .optFrameLimits(new FrameLimits(DecoderSettings.DEFAULT_MAX_PIXELS, frameBytes.get()))
                    // exactly-once output is visible per checkpoint
                    .optCheckpoints(CheckpointSettings.DEFAULT.withIntervalMs(1000))
                    .optFlinkConfiguration(prometheusPort == null
                            ? new org.apache.flink.configuration.Configuration()
                            : StreamingJob.prometheus(prometheusPort))
                    .prepare()) {
            progress.show("starting Flink with " + job.model().name + " ...", false);
            JobClient client = job.env().executeAsync("condensenet-demo");
            try {
                DemoSummary s = stream(kafka.bootstrapServers(), frames, progress, client);
                s.model = job.model().name;
                s.modelLoads = DjlPredictorFactory.loadsInThisJvm() - loadsBefore;
                if (json) {
                    System.out.println(s.json());
                } else {
                    System.out.print(s.text());
                }
                if (!s.notSent.isEmpty()) { // every frame that did not reach the topic, with its reason
                    s.notSent.forEach(f -> System.err.println("error: " + SendResults.describe(f, Topics.FRAMES,
                            OptionalLong.of(Topics.frameRecordLimit(frameBytes.get())), Topics.frameRecordLimit(frameBytes.get()))));
                    return s.sendFailuresAreSetupErrors ? ExitCodes.USAGE : ExitCodes.FAILED;
                }
                return s.accountedFor() && s.duplicates == 0 ? ExitCodes.OK : ExitCodes.FAILED;
            } finally {
                if (!client.getJobExecutionResult().isDone()) {
                    client.cancel().get();
                }
            }
            }
        }
    }

    private DemoSummary stream(String bootstrap, List<DemoFrames.Frame> frames, Progress progress, JobClient job)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, DemoFrames.Frame> byId = new HashMap<>();
        Map<String, JsonNode> predicted = new HashMap<>();
        Map<String, String> dead = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        DemoSummary s = new DemoSummary();
        DemoSwap swap = new DemoSwap();
        long firstOut = 0;
        long lastOut = 0;
        double inverseBatchSum = 0;
        SendResults sends = new SendResults();
        try (FrameProducer producer = new FrameProducer(bootstrap, new Properties(), Topics.FRAMES, frameBytes.get());
             KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS, Topics.DEAD_LETTERS));
            long deadline = System.nanoTime() + timeoutS * 1_000_000_000L;
            int sent = 0;
            long t0 = 0;
            // The first frame goes alone: its answer means the job is up and the model loaded, so
            // throughput and latency below measure the running pipeline, not its start-up.
            // Until every frame came back, except those the broker did not take (reported, not waited for).
            while (predicted.size() + dead.size() < frames.size() - sends.failures().size()
                    && System.nanoTime() < deadline) {
                boolean firstDone = predicted.size() + dead.size() > 0 || !sends.failures().isEmpty();
                if (sent == 0 || (sent < frames.size() && firstDone)) {
                    if (sent == 1 && t0 == 0) {
                        t0 = System.nanoTime();
                    }
                    int burst = sent == 0 ? 1 : rate.get() > 0 ? due(t0, sent) : frames.size() - sent;
                    if (swapTo != null && swap.publishedVersion == 0 && sent >= frames.size() / 2) {
                        swap.publish(modelRoot, swapTo);
                        progress.show("published " + swapTo + " as version " + swap.publishedVersion + " of "
                                + modelRoot, true);
                    }
                    for (int i = 0; i < burst && sent < frames.size(); i++, sent++) {
                        DemoFrames.Frame f = frames.get(sent);
                        String id = "demo-" + sent;
                        byId.put(id, f);
                        var result = sends.callback(id, f.name(), f.bytes().length);
                        if (f.rawHeaders() != null) {
                            f.rawHeaders().add(Headers.FRAME_ID, id.getBytes(StandardCharsets.UTF_8));
                            producer.sendRaw("cam-" + (sent % 2 + 1), f.bytes(), f.rawHeaders(), result);
                        } else {
                            producer.send("cam-" + (sent % 2 + 1), id, System.currentTimeMillis(), f.bytes(), result);
                        }
                    }
                    producer.flush();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(rate.get() > 0 ? 20 : 100))) {
                    long now = System.nanoTime();
                    String id = header(r, "frame-id");
                    boolean isPrediction = r.topic().equals(Topics.PREDICTIONS);
                    boolean fresh = isPrediction ? predicted.put(id, mapper.readTree(r.value())) == null
                            && !dead.containsKey(id) : dead.put(id, header(r, Headers.ERROR)) == null
                            && !predicted.containsKey(id);
                    if (!fresh) {
                        s.duplicates++;
                        continue;
                    }
                    if (!id.equals("demo-0")) {
                        firstOut = firstOut == 0 ? now : firstOut;
                        lastOut = now;
                    }
                    if (isPrediction) {
                        JsonNode p = predicted.get(id);
                        inverseBatchSum += 1.0 / p.get("batchSize").asInt();
                        swap.prediction(now, p.get("modelVersion").asLong());
                        if (!id.equals("demo-0")) {
                            latencies.add(Math.max(0, r.timestamp() - p.get("captureTs").asLong()));
                        }
                    }
                }
                progress.show(String.format(java.util.Locale.ROOT, "sent %d/%d | predictions %d | dead letters %d",
                        sent, frames.size(), predicted.size(), dead.size()), false);
                if (job.getJobExecutionResult().isDone()) { // failed for good: no point waiting for outputs
                    try {
                        job.getJobExecutionResult().get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new IllegalStateException("the job failed: " + UserError.oneLine(e), e);
                    }
                }
            }
            progress.show(String.format(java.util.Locale.ROOT, "sent %d/%d | predictions %d | dead letters %d",
                    sent, frames.size(), predicted.size(), dead.size()), true);
            s.framesSent = sent;
        }
        s.notSent = sends.failures();
        s.sendFailuresAreSetupErrors = sends.allSetupErrors();
        java.util.Set<String> failed = new java.util.HashSet<>();
        s.notSent.forEach(f -> failed.add(f.frameId()));
        byId.keySet().removeAll(failed);
        s.framesSent -= failed.size();
        s.malformedSent = (int) byId.values().stream().filter(DemoFrames.Frame::malformed).count();
        s.predictions = predicted.size();
        s.deadLettered = dead.size();
        s.missing = (int) byId.keySet().stream().filter(id -> !predicted.containsKey(id) && !dead.containsKey(id)).count();
        int outputs = predicted.size() + dead.size() - 1; // outputs after the first (start-up) frame
        s.throughputFps = lastOut > firstOut ? (outputs - 1) / ((lastOut - firstOut) / 1e9) : 0;
        s.latenciesMs = latencies.stream().mapToLong(Long::longValue).toArray();
        s.meanBatchSize = inverseBatchSum > 0 ? predicted.size() / inverseBatchSum : 0;
        int correct = 0;
        for (Map.Entry<String, JsonNode> e : predicted.entrySet()) {
            String label = byId.get(e.getKey()).label();
            if (label != null) {
                s.labelled++;
                JsonNode p = e.getValue();
                correct += label.equals(p.get("label").asText())
                        || label.equals(Integer.toString(p.get("classIndex").asInt())) ? 1 : 0;
            }
        }
        s.accuracy = s.labelled > 0 ? (double) correct / s.labelled : null;
        s.perVersion = swap.perVersion;
        s.swapReport = swap.report();
        return s;
    }

    /** Frames due by now at --fps since {@code t0}, minus those already sent (after the first). */
    private int due(long t0, int sent) {
        long should = 1 + (long) ((System.nanoTime() - t0) / 1e9 * rate.get());
        return (int) Math.max(0, should - sent);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
