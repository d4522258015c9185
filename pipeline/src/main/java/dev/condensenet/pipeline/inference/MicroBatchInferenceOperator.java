package dev.condensenet.pipeline.inference;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Buffers decoded frames and runs the model on micro-batches. A batch is flushed when it is full, when
 * its oldest frame has waited {@code maxDelayMs} (processing-time timer), before every checkpoint
 * barrier and at end of input. Flushing before the barrier means nothing is ever buffered at a
 * snapshot, so the operator keeps no state and replay after a failure re-runs inference for exactly
 * the frames after the checkpoint. No keyBy: the operator chains after the source and decoder, image
 * bytes never cross the network, and inference on the task thread gives natural backpressure.
 *
 * <p>With {@link BatchingMode#SHARED} the batch goes to the TaskManager's {@link SharedBatcher} instead of a
 * model of this subtask, and a batch counts as full at {@code maxBatch} divided by the subtasks holding that
 * batcher (this subtask's share of a merged batch); the flush still waits for its logits, so the rules above
 * hold unchanged.
 *
 * <p>Hot swap ({@link HotSwapPredictor}): before each batch the operator asks the predictor which model runs it
 * ({@link BatchPredictor#serving()}); after a swap that changed the class set (allowed by
 * {@code --allow-label-change}) the logits buffer, the ranking, the top-k arrays, the class names and the model
 * name follow the new version, reallocated once per swap. Frames keep the job's input shape either way (a
 * version with another input maps each batch itself), so the batch buffer never changes.
 *
 * <p>Overlap ({@code --batching overlapped}, {@link BatchingMode#OVERLAPPED}): the batch runs on an inference thread of this subtask
 * while the task thread decodes and buffers the next one into a second slot ({@link BatchSlot}). At most one
 * batch is in flight: a flush waits for the previous batch first (backpressure, as when inference ran on the
 * task thread), and emits its predictions before the next batch is submitted, so predictions keep input order.
 * Predictions are emitted on the task thread only: as soon as the batch is back, through the task's mailbox
 * ({@link MailboxExecutor}), or at the latest at the next flush, before a checkpoint barrier passes
 * ({@code prepareSnapshotPreBarrier}) and at end of input ({@code finish}), so nothing is in flight at a
 * snapshot and exactly-once and "every frame accounted for" hold as without overlap. A failed batch fails the
 * job when its result is taken. The hot-swap point ({@link BatchPredictor#serving()}) is only reached with no
 * batch in flight.
 *
 * <p>Buffers are allocated once in {@link #open()} (and once per such swap); per batch only the model's own
 * work allocates.
 * Emitted predictions reuse one object: the chained sink serializes each one before the next is built.
 */
public class MicroBatchInferenceOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<DecodedFrame, Prediction>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final PredictorFactory factory;
    private final int maxBatch;
    private final long maxDelayMs;
    private final int topK;
    private final BatchingMode mode;
    private final boolean overlap;

    private transient BatchPredictor predictor;
    private transient InferenceMetrics metrics;
    private transient int frameSize;
    private transient int classes;
    /** The spec the logits, ranking and names are sized for: the factory's, or the last swapped-in version's. */
    private transient ModelSpec serving;
    private transient String[] classNames;
    private transient String modelName;
    private transient float[] logits;
    private transient SoftmaxTopK ranking;
    /** The batch being filled; with overlap, {@code spare} is the other slot (in flight or idle). */
    private transient BatchSlot filling;
    private transient BatchSlot spare;
    private transient BatchSlot inFlight;
    private transient ExecutorService inference;
    private transient MailboxExecutor mailbox;
    private transient int size;
    private transient int flushAt;
    /** With shared batching, this subtask's handle on the TaskManager's batcher; else null. */
    private transient SharedBatcher.Handle sharedHandle;
    private transient ScheduledFuture<?> timer;
    private transient Prediction out;
    private transient StreamRecord<Prediction> outRecord;

    /**
     * @param factory  creates the predictor in {@link #open()}
     * @param batching when a micro-batch is run
     * @param topK     labels with scores per prediction
     * @throws IllegalArgumentException if {@code topK < 1}
     */
    public MicroBatchInferenceOperator(PredictorFactory factory, BatchingSettings batching, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be >= 1, not " + topK);
        }
        this.factory = factory;
        this.maxBatch = batching.maxBatch();
        this.maxDelayMs = batching.maxDelayMs();
        this.topK = topK;
        this.mode = batching.mode();
        // OVERLAPPED: per-subtask batching whose batches run on an inference thread of this subtask
        this.overlap = batching.mode() == BatchingMode.OVERLAPPED;
    }

    @Override
    public void open() throws Exception {
        super.open();
        ModelSpec spec = factory.spec();
        frameSize = spec.frameSize();
        filling = new BatchSlot(maxBatch, frameSize);
        out = new Prediction();
        outRecord = new StreamRecord<>(out);
        adopt(spec);
        metrics = new InferenceMetrics(getMetricGroup());
        flushAt = maxBatch;
        if (mode == BatchingMode.SHARED) {
            SharedBatcher.Handle shared = SharedBatcher.acquire(factory, getRuntimeContext(),
                    new BatchingSettings(maxBatch, maxDelayMs, mode));
            predictor = shared;
            sharedHandle = shared;
            metrics.registerShared(shared.batcher());
        } else {
            predictor = factory.open(getRuntimeContext(), maxBatch);
        }
        if (overlap) {
            spare = new BatchSlot(maxBatch, frameSize);
            mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
            String name = "condensenet-inference (subtask " + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()
                    + ")";
            inference = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Override
    public void processElement(StreamRecord<DecodedFrame> element) throws Exception {
        DecodedFrame f = element.getValue();
        if (f.pixels.length != frameSize) { // a wiring bug, not bad data: the decoder sizes frames
            throw new IllegalStateException("frame has " + f.pixels.length + " values, model needs " + frameSize);
        }
        if (size == 0 && sharedHandle != null) {
            // Shared: each subtask hands over its share of a merged batch, so that the subtasks of this
            // TaskManager together fill one batch of maxBatch frames instead of each queueing a full one. The
            // share follows the subtasks that use the batcher now (this JVM's, not the job's parallelism).
            flushAt = sharedHandle.share();
        }
        BatchSlot b = filling;
        System.arraycopy(f.pixels, 0, b.pixels, size * frameSize, frameSize);
        b.streams[size] = f.stream;
        b.frameIds[size] = f.frameId;
        b.captureTs[size] = f.captureTs;
        size++;
        if (size >= flushAt) {
            flush(FlushReason.SIZE, 0);
        } else if (size == 1) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            timer = getProcessingTimeService().registerTimer(now + maxDelayMs, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timer = null;
        if (size > 0) {
            flush(FlushReason.TIMER, time);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (size > 0) {
            flush(FlushReason.BARRIER, 0);
        }
        awaitInFlight(); // nothing in flight at a snapshot
    }

    @Override
    public void finish() throws Exception {
        if (size > 0) {
            flush(FlushReason.END, 0);
        }
        awaitInFlight(); // every frame answered at end of input
        super.finish();
    }

    /** @param firedAt the timer's time when a timer fired (the service may not have advanced yet), else 0 */
    private void flush(FlushReason reason, long firedAt) throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        BatchSlot b = filling;
        b.size = size;
        b.reason = reason;
        b.firedAt = firedAt;
        size = 0;
        if (!overlap) {
            long t0 = System.nanoTime();
            adopt(predictor.serving()); // a hot-swapping predictor changes version here, between two batches
            b.logits = logits;
            predictor.predict(b.pixels, b.size, b.logits);
            if (predictor instanceof SharedBatcher.Handle shared) {
                // The batcher swaps on its own thread: what ran this batch is known only now.
                logits = shared.lastLogits();
                b.logits = logits;
                adopt(shared.serving());
            }
            b.modelVersion = predictor.modelVersion();
            b.micros = (System.nanoTime() - t0) / 1000;
            emit(b);
            return;
        }
        awaitInFlight(); // at most one batch in flight: wait for (and emit) the previous one
        adopt(predictor.serving()); // no batch in flight: a swap cannot change a running batch's model
        if (b.logits == null || b.logits.length < maxBatch * classes) {
            b.logits = new float[maxBatch * classes]; // once per slot, and again only after a swap
        }
        b.done = new CountDownLatch(1);
        inFlight = b;
        filling = spare;
        spare = b;
        inference.execute(() -> run(b));
    }

    /** On the inference thread: runs the slot's batch and hands it back through the mailbox. */
    private void run(BatchSlot b) {
        try {
            long t0 = System.nanoTime();
            predictor.predict(b.pixels, b.size, b.logits);
            b.modelVersion = predictor.modelVersion();
            b.micros = (System.nanoTime() - t0) / 1000;
        } catch (Throwable t) {
            b.error = t;
        } finally {
            b.done.countDown();
        }
        try {
            mailbox.execute(() -> {
                if (inFlight == b) {
                    awaitInFlight();
                }
            }, "emit predictions");
        } catch (RuntimeException closed) {
            // the mailbox no longer takes mail (the task is closing): finish() or close() takes the batch
        }
    }

    /** On the task thread: waits for the batch in flight, if any, and emits its predictions (or fails). */
    private void awaitInFlight() throws Exception {
        BatchSlot b = inFlight;
        if (b == null) {
            return;
        }
        b.done.await();
        inFlight = null;
        if (b.error != null) {
            Throwable t = b.error;
            b.clear();
            throw t instanceof Exception e ? e : new RuntimeException(t);
        }
        // the model that ran it is the one adopted at submit time (no swap while a batch is in flight)
        emit(b);
    }

    /** Emits a batch's predictions on the task thread and clears the slot. */
    private void emit(BatchSlot b) {
        int n = b.size;
        // The inference duration is an interval (monotonic clock); latency compares with the frames' capture
        // times, so it takes "now" from Flink's processing-time service, which tests can set.
        long now = Math.max(b.firedAt, getProcessingTimeService().getCurrentProcessingTime());
        out.modelVersion = b.modelVersion; // the version that ran this batch (docs/guarantees.md)
        metrics.inferenceTimeMicros.update(b.micros);
        metrics.batches.inc();
        metrics.batchSize.update(n);
        metrics.flushCounter(b.reason).inc();
        out.inferenceTs = now;
        // The batch the frames were inferred in: with a shared batcher, the merged one.
        out.batchSize = predictor instanceof SharedBatcher.Handle shared ? shared.lastMergedSize() : n;
        for (int i = 0; i < n; i++) {
            rank(b.logits, i);
            out.stream = b.streams[i];
            out.frameId = b.frameIds[i];
            out.captureTs = b.captureTs[i];
            out.latencyMs = Math.max(0, now - b.captureTs[i]);
            metrics.latencyMs.update(out.latencyMs);
            output.collect(outRecord.replace(out));
        }
        metrics.predictions.inc(n);
        b.clear();
    }

    /**
     * Sizes the logits, ranking and top-k arrays for {@code spec} and takes its class names and model name;
     * a no-op for null (the factory's spec) or the spec already adopted, so it costs nothing per batch
     * without a swap. Top-k stays {@code min(--top-k, classes)}, as at open.
     */
    private void adopt(ModelSpec spec) {
        if (spec == null || spec == serving) {
            return;
        }
        serving = spec;
        classNames = spec.classNames;
        modelName = spec.name;
        out.model = modelName;
        if (ranking == null || spec.numClasses() != classes) {
            classes = spec.numClasses();
            ranking = new SoftmaxTopK(classes, topK);
            out.topKLabels = new String[ranking.k()];
            out.topKScores = new float[ranking.k()];
        }
        if (logits == null || logits.length < maxBatch * classes) {
            logits = new float[maxBatch * classes];
        }
    }

    /** Fills the reused prediction's class, label, score and top-k from frame {@code i}'s logits. */
    private void rank(float[] logits, int i) {
        try {
            ranking.apply(logits, i * classes);
        } catch (IllegalStateException e) { // a broken model, not a bad frame: fail the job
            throw new IllegalStateException("model " + modelName + " produced " + e.getMessage(), e);
        }
        for (int r = 0; r < ranking.k(); r++) {
            out.topKLabels[r] = classNames[ranking.index(r)];
            out.topKScores[r] = ranking.score(r);
        }
        out.classIndex = ranking.index(0);
        out.label = classNames[out.classIndex];
        out.score = ranking.score(0);
    }

    @Override
    public void close() throws Exception {
        try {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (inference != null) {
                // a batch still in flight (the task failed or was cancelled) finishes before the model closes
                inference.shutdown();
                if (!inference.awaitTermination(60, TimeUnit.SECONDS)) {
                    inference.shutdownNow();
                }
                inference = null;
                inFlight = null;
            }
            sharedHandle = null;
            if (predictor != null) {
                predictor.close();
                predictor = null;
            }
        } finally {
            super.close();
        }
    }

    /** For tests: the predictor this subtask calls. */
    BatchPredictor predictor() {
        return predictor;
    }

    /** For tests: the live metrics of this subtask. */
    InferenceMetrics metrics() {
        return metrics;
    }
}
