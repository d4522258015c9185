package dev.condensenet.pipeline.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condensenet.model.onnx.OnnxExporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * One ONNX Runtime session per subtask. A micro-batch runs as consecutive session runs of at most
 * {@link #CHUNK_FRAMES} frames: on the CPU, ONNX Runtime's throughput on this network peaks at 8–16 frames
 * per run and falls beyond, as a run's activations outgrow the caches (BENCHMARKS.md, "Against PyTorch and
 * ONNX Runtime"). Input and output of one run live in two direct buffers allocated once; for each run size
 * {@code k} the predictor keeps one input tensor over the first {@code k} frames of the input buffer and one
 * output tensor over the first {@code k} rows of the output buffer, which the session writes into ("pinned"
 * outputs of ONNX Runtime's Java API), so a batch allocates nothing but the small result handles. At most
 * {@code min(maxBatch, CHUNK_FRAMES)} pairs exist, created the first time a size is seen.
 */
final class OrtBatchPredictor implements BatchPredictor {
    /** Most frames per session run; larger micro-batches are split (see the class comment). */
    static final int CHUNK_FRAMES = 16;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSpec spec;
    private final int maxBatch;
    private final int maxRun;
    private final FloatBuffer input;
    private final FloatBuffer output;
    private final OnnxTensor[] inputs;
    private final OnnxTensor[] outputs;
    private final Map<String, OnnxTensor>[] feeds;
    private final Map<String, OnnxTensor>[] pinned;

    OrtBatchPredictor(OrtEnvironment env, OrtSession session, ModelSpec spec, int maxBatch) {
        if (!session.getInputNames().contains(OnnxExporter.INPUT)
                || !session.getOutputNames().contains(OnnxExporter.OUTPUT)) {
            throw new IllegalStateException("ONNX model of " + spec.name + " has inputs " + session.getInputNames()
                    + " and outputs " + session.getOutputNames() + ", expected " + OnnxExporter.INPUT + " and "
                    + OnnxExporter.OUTPUT);
        }
        this.env = env;
        this.session = session;
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.maxRun = Math.min(maxBatch, CHUNK_FRAMES);
        this.input = direct(maxRun * spec.frameSize());
        this.output = direct(maxRun * spec.numClasses());
        this.inputs = new OnnxTensor[maxRun + 1];
        this.outputs = new OnnxTensor[maxRun + 1];
        this.feeds = newMaps(maxRun + 1);
        this.pinned = newMaps(maxRun + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, OnnxTensor>[] newMaps(int n) {
        return (Map<String, OnnxTensor>[]) new Map<?, ?>[n];
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Runs one frame and one full run once, so the first real frames do not pay ONNX Runtime's first call.
     */
    void warmUp() throws Exception {
        float[] zeros = new float[maxRun * spec.frameSize()];
        float[] logits = new float[maxRun * spec.numClasses()];
        predict(zeros, 1, logits);
        predict(zeros, maxRun, logits);
    }

    @Override
    public void predict(float[] batch, int n, float[] logits) throws OrtException {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " frames, expected 1.." + maxBatch);
        }
        int frame = spec.frameSize();
        int classes = spec.numClasses();
        for (int done = 0; done < n; done += maxRun) {
            int k = Math.min(maxRun, n - done);
            input.clear();
            input.put(batch, done * frame, k * frame);
            if (inputs[k] == null) {
                inputs[k] = OnnxTensor.createTensor(env, input.duplicate().position(0).limit(k * frame),
                        new long[] {k, spec.channels, spec.height, spec.width});
                outputs[k] = OnnxTensor.createTensor(env, output.duplicate().position(0).limit(k * classes),
                        new long[] {k, classes});
                feeds[k] = Map.of(OnnxExporter.INPUT, inputs[k]);
                pinned[k] = Map.of(OnnxExporter.OUTPUT, outputs[k]);
            }
            // The pinned output is filled in place; the result handle owns nothing of it.
            try (OrtSession.Result ignored = session.run(feeds[k], pinned[k])) {
                output.clear();
                output.get(logits, done * classes, k * classes);
            }
        }
    }

    @Override
    public void close() throws OrtException {
        try {
            for (int i = 0; i <= maxRun; i++) {
                if (inputs[i] != null) {
                    inputs[i].close();
                    outputs[i].close();
                }
            }
        } finally {
            session.close();
        }
    }
}
