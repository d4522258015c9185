package dev.condensenet.pipeline.inference;

import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.wire.Prediction;
import java.util.concurrent.ScheduledFuture;
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
 * <p>Buffers are allocated once in {@link #open()}; per batch only the model's own work allocates.
 * Emitted predictions reuse one object: the chained sink serializes each one before the next is built.
 */
public class MicroBatchInferenceOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<DecodedFrame, Prediction>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final PredictorFactory factory;
    private final int maxBatch;
    private final long maxDelayMs;
    private final int topK;

    private transient BatchPredictor predictor;
    private transient InferenceMetrics metrics;
    private transient int frameSize;
    private transient int classes;
    private transient String[] classNames;
    private transient String modelName;
    private transient float[] batch;
    private transient float[] logits;
    private transient float[] probs;
    private transient String[] streams;
    private transient String[] frameIds;
    private transient long[] captureTs;
    private transient int size;
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
    }

    @Override
    public void open() throws Exception {
        super.open();
        ModelSpec spec = factory.spec();
        frameSize = spec.frameSize();
        classes = spec.numClasses();
        classNames = spec.classNames;
        modelName = spec.name;
        int k = Math.min(topK, classes);
        batch = new float[maxBatch * frameSize];
        logits = new float[maxBatch * classes];
        probs = new float[classes];
        streams = new String[maxBatch];
        frameIds = new String[maxBatch];
        captureTs = new long[maxBatch];
        out = new Prediction();
        out.model = modelName;
        out.topKLabels = new String[k];
        out.topKScores = new float[k];
        outRecord = new StreamRecord<>(out);
        metrics = new InferenceMetrics(getMetricGroup());
        predictor = factory.open(getRuntimeContext(), maxBatch);
    }

    @Override
    public void processElement(StreamRecord<DecodedFrame> element) throws Exception {
        DecodedFrame f = element.getValue();
        if (f.pixels.length != frameSize) { // a wiring bug, not bad data: the decoder sizes frames
            throw new IllegalStateException("frame has " + f.pixels.length + " values, model needs " + frameSize);
        }
        System.arraycopy(f.pixels, 0, batch, size * frameSize, frameSize);
        streams[size] = f.stream;
        frameIds[size] = f.frameId;
        captureTs[size] = f.captureTs;
        size++;
        if (size >= maxBatch) {
            flush(FlushReason.SIZE);
        } else if (size == 1) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            timer = getProcessingTimeService().registerTimer(now + maxDelayMs, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timer = null;
        if (size > 0) {
            flush(FlushReason.TIMER);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (size > 0) {
            flush(FlushReason.BARRIER);
        }
    }

    @Override
    public void finish() throws Exception {
        if (size > 0) {
            flush(FlushReason.END);
        }
        super.finish();
    }

    private void flush(FlushReason reason) throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        int n = size;
        long t0 = System.nanoTime();
        predictor.predict(batch, n, logits);
        out.modelVersion = predictor.modelVersion(); // the version that ran this batch (docs/guarantees.md)
        String[] names = predictor.classNames();
        if (names != null) {
            classNames = names;
        }
        long micros = (System.nanoTime() - t0) / 1000;
        long now = System.currentTimeMillis();
        metrics.inferenceTimeMicros.update(micros);
        metrics.batches.inc();
        metrics.batchSize.update(n);
        metrics.flushCounter(reason).inc();
        out.inferenceTs = now;
        out.batchSize = n;
        for (int i = 0; i < n; i++) {
            softmax(i * classes);
            fillTopK();
            out.stream = streams[i];
            out.frameId = frameIds[i];
            out.captureTs = captureTs[i];
            out.latencyMs = Math.max(0, now - captureTs[i]);
            metrics.latencyMs.update(out.latencyMs);
            output.collect(outRecord.replace(out));
            streams[i] = null; // do not pin strings of an old batch
            frameIds[i] = null;
        }
        metrics.predictions.inc(n);
        size = 0;
    }

    private void softmax(int offset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        float sum = 0f;
        for (int c = 0; c < classes; c++) {
            float e = (float) Math.exp(logits[offset + c] - max);
            probs[c] = e;
            sum += e;
        }
        for (int c = 0; c < classes; c++) {
            probs[c] /= sum;
        }
    }

    /** Top-k by repeated selection: k and the class count are small, and it needs no allocation. */
    private void fillTopK() {
        int k = out.topKScores.length;
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (probs[c] >= 0f && (best < 0 || probs[c] > probs[best])) {
                    best = c;
                }
            }
            if (best < 0) { // every probability NaN: a broken model, not a bad frame
                throw new IllegalStateException("model " + modelName + " produced non-finite logits");
            }
            out.topKLabels[r] = classNames[best];
            out.topKScores[r] = probs[best];
            if (r == 0) {
                out.classIndex = best;
                out.label = classNames[best];
                out.score = probs[best];
            }
            probs[best] = -1f; // taken
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (predictor != null) {
                predictor.close();
                predictor = null;
            }
        } finally {
            super.close();
        }
    }

    /** For tests: the live metrics of this subtask. */
    InferenceMetrics metrics() {
        return metrics;
    }
}
