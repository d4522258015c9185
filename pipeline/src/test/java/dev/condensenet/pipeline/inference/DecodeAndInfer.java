package dev.condensenet.pipeline.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.pipeline.frames.BadFrames;
import dev.condensenet.pipeline.frames.DecodeFunction;
import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.job.Testdata;
import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Prediction;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * One subtask of the job without Kafka: the real {@link DecodeFunction} and the real
 * {@link MicroBatchInferenceOperator} with the shipped DJL model ({@code testdata/models/fmnist-26}),
 * each in Flink's operator harness. Every decoded frame is handed to the batcher at once, as the chained
 * task does; dead letters are collected. The batcher's processing-time clock is the harness's: it moves
 * only when a test moves it, so which frames share a batch does not depend on how fast this machine is.
 *
 * <p>Decoding is measured per record on this thread ({@code com.sun.management.ThreadMXBean}): bytes
 * allocated and CPU time, split into frames that were decoded and frames that were dead-lettered.
 */
final class DecodeAndInfer implements AutoCloseable {
    static final String MODEL = "fmnist-26";

    final DjlPredictorFactory factory;
    final MicroBatchInferenceOperator operator;
    private final OneInputStreamOperatorTestHarness<FrameRecord, DecodedFrame> decode;
    private final OneInputStreamOperatorTestHarness<DecodedFrame, Prediction> infer;
    /** The predictor the operator opened (the real one, handed through), for its live-array count. */
    private final ConcurrentLinkedQueue<BatchPredictor> opened = new ConcurrentLinkedQueue<>();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long offset;

    /** Decode cost of the records sent so far: decoded (to the batcher) and dead-lettered. */
    long decodedFrames, decodedBytesAllocated, decodedCpuNanos;
    long deadFrames, deadBytesAllocated, deadCpuNanos;
    long maxDeadBytesAllocated;
    String maxDeadBytesFile;

    static Path modelDir() {
        Path dir = Testdata.root().orElseThrow(() -> new AssertionError("testdata/ not found"))
                .resolve("models").resolve(MODEL);
        assertTrue(Files.isRegularFile(dir.resolve("config.json")), dir + " (the shipped model) is missing");
        return dir;
    }

    /** The good frames: {@code testdata/fashion-mnist-sample/*.png}, sorted. */
    static List<byte[]> goodFrames() throws Exception {
        Path dir = Testdata.fashionMnistSample().orElseThrow(() -> new AssertionError("no fashion-mnist-sample"));
        List<byte[]> frames = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
                frames.add(Files.readAllBytes(p));
            }
        }
        assertTrue(frames.size() >= 100, frames.size() + " sample frames");
        return frames;
    }

    DecodeAndInfer(int maxBatch, long maxDelayMs) throws Exception {
        DjlPredictorFactory model = DjlPredictorFactory.of(modelDir(), DeviceSpec.CPU, 1);
        this.factory = model;
        DecoderSettings settings = model.spec().decoderSettings(
                new FrameLimits(DecoderSettings.DEFAULT_MAX_PIXELS, BadFrames.MAX_FRAME_BYTES));
        decode = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(settings));
        PredictorFactory keeping = new PredictorFactory() {
            @Override
            public ModelSpec spec() {
                return model.spec();
            }

            @Override
            public BatchPredictor open(RuntimeContext context, int batch) throws Exception {
                BatchPredictor p = model.open(context, batch);
                opened.add(p);
                return p;
            }
        };
        operator = new MicroBatchInferenceOperator(keeping, new BatchingSettings(maxBatch, maxDelayMs), 3);
        infer = new OneInputStreamOperatorTestHarness<>(operator,
                TypeInformation.of(DecodedFrame.class).createSerializer(new SerializerConfigImpl()));
        infer.setup(TypeInformation.of(Prediction.class).createSerializer(new SerializerConfigImpl()));
        infer.open();
        infer.setProcessingTime(0);
    }

    /** A good frame as a camera sends it: key {@code cam-1}, header {@code frame-id}. */
    boolean sendGood(String frameId, byte[] png) throws Exception {
        return send(new FrameRecord("cam-1".getBytes(StandardCharsets.UTF_8), png, new String[] {"frame-id"},
                new byte[][] {frameId.getBytes(StandardCharsets.UTF_8)}, "frames", 0, offset++, 1_700_000_000_000L),
                frameId);
    }

    /** A row of {@code testdata/bad-frames/frames.csv}; returns the record (its coordinates name it without an id). */
    FrameRecord sendRow(BadFrames.Row row) throws Exception {
        FrameRecord r = new FrameRecord(row.key(), row.value(), row.headerNames(), row.headerValues(), "frames", 0,
                offset++, 1_700_000_000_000L);
        send(r, row.file());
        return r;
    }

    /** Decodes one record and, if it decoded, hands the frame to the batcher. True if it was decoded. */
    private boolean send(FrameRecord record, String name) throws Exception {
        long bytes = threads.getCurrentThreadAllocatedBytes();
        long cpu = threads.getCurrentThreadCpuTime();
        decode.processElement(record, 0);
        long allocated = threads.getCurrentThreadAllocatedBytes() - bytes;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
        List<DecodedFrame> out = decode.extractOutputValues();
        decode.getOutput().clear();
        if (out.isEmpty()) {
            deadFrames++;
            deadBytesAllocated += allocated;
            deadCpuNanos += cpuNanos;
            if (allocated > maxDeadBytesAllocated) {
                maxDeadBytesAllocated = allocated;
                maxDeadBytesFile = name;
            }
            return false;
        }
        decodedFrames++;
        decodedBytesAllocated += allocated;
        decodedCpuNanos += cpuNanos;
        for (DecodedFrame f : out) {
            infer.processElement(new StreamRecord<>(f, 0));
        }
        return true;
    }

    /** Moves the batcher's clock (a due timer flushes the partial batch). */
    void setTime(long ms) throws Exception {
        infer.setProcessingTime(ms);
    }

    /** A checkpoint barrier: the batcher flushes what it holds. */
    void barrier(long checkpointId) throws Exception {
        infer.prepareSnapshotPreBarrier(checkpointId);
    }

    /** Predictions emitted since the last call, in emission order (copies: the operator reuses its own). */
    List<Prediction> takePredictions() {
        List<Prediction> p = infer.extractOutputValues();
        infer.getOutput().clear();
        return p;
    }

    List<DeadLetter> takeDeadLetters() {
        var side = decode.getSideOutput(DecodeFunction.DEAD_LETTERS);
        if (side == null) {
            return List.of();
        }
        List<DeadLetter> d = side.stream().map(StreamRecord::getValue).toList();
        side.clear();
        return d;
    }

    InferenceMetrics metrics() {
        return operator.metrics();
    }

    /** NDArrays alive under the model's NDManager: its parameters, plus anything a batch left behind. */
    int liveArrays() {
        return ((DjlBatchPredictor) opened.peek()).liveArrays();
    }

    /** End of input: {@code finish()} flushes what is buffered, then everything is closed. */
    @Override
    public void close() throws Exception {
        try {
            infer.close();
        } finally {
            decode.close();
        }
    }

    /** Splits predictions (in emission order) into batches by their {@code batchSize}: frame ids per batch. */
    static List<List<String>> batches(List<Prediction> predictions) {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < predictions.size(); ) {
            int n = predictions.get(i).batchSize;
            assertTrue(n >= 1 && i + n <= predictions.size(), "batch of " + n + " at prediction " + i);
            List<String> ids = new ArrayList<>();
            for (int j = i; j < i + n; j++) {
                assertTrue(predictions.get(j).batchSize == n, "prediction " + j + " is not in the batch at " + i);
                ids.add(predictions.get(j).frameId);
            }
            batches.add(ids);
            i += n;
        }
        return batches;
    }
}
