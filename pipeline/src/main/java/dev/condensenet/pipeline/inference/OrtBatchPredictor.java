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
 * One ONNX Runtime session per subtask. Input and output live in two direct buffers allocated once; for
 * each batch size {@code n} the predictor keeps one input tensor over the first {@code n} frames of the
 * input buffer and one output tensor over the first {@code n} rows of the output buffer, which the session
 * writes into ("pinned" outputs of ONNX Runtime's Java API), so a batch allocates nothing but the small
 * result handle. At most {@code maxBatch} pairs exist, created the first time a size is seen.
 */
final class OrtBatchPredictor implements BatchPredictor {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSpec spec;
    private final int maxBatch;
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
        this.input = direct(maxBatch * spec.frameSize());
        this.output = direct(maxBatch * spec.numClasses());
        this.inputs = new OnnxTensor[maxBatch + 1];
        this.outputs = new OnnxTensor[maxBatch + 1];
        this.feeds = newMaps(maxBatch + 1);
        this.pinned = newMaps(maxBatch + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, OnnxTensor>[] newMaps(int n) {
        return (Map<String, OnnxTensor>[]) new Map<?, ?>[n];
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Runs batch 1 and {@code maxBatch} once, so the first real frames do not pay ONNX Runtime's first call. */
    void warmUp() throws Exception {
        float[] zeros = new float[maxBatch * spec.frameSize()];
        float[] logits = new float[maxBatch * spec.numClasses()];
        predict(zeros, 1, logits);
        predict(zeros, maxBatch, logits);
    }

    @Override
    public void predict(float[] batch, int n, float[] logits) throws OrtException {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " frames, expected 1.." + maxBatch);
        }
        int frame = spec.frameSize();
        int classes = spec.numClasses();
        input.clear();
        input.put(batch, 0, n * frame);
        if (inputs[n] == null) {
            inputs[n] = OnnxTensor.createTensor(env, input.duplicate().position(0).limit(n * frame),
                    new long[] {n, spec.channels, spec.height, spec.width});
            outputs[n] = OnnxTensor.createTensor(env, output.duplicate().position(0).limit(n * classes),
                    new long[] {n, classes});
            feeds[n] = Map.of(OnnxExporter.INPUT, inputs[n]);
            pinned[n] = Map.of(OnnxExporter.OUTPUT, outputs[n]);
        }
        // The pinned output is filled in place; the result handle owns nothing of it.
        try (OrtSession.Result ignored = session.run(feeds[n], pinned[n])) {
            output.clear();
            output.get(logits, 0, n * classes);
        }
    }

    @Override
    public void close() throws OrtException {
        try {
            for (int i = 0; i <= maxBatch; i++) {
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
