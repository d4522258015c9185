package dev.condensenet.pipeline.inference;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One {@link Predictor} per subtask, on a model the subtasks of this JVM share ({@link LoadedModels}). Each batch is created in its own sub-manager that
 * is closed right after the logits are read, so no intermediate of one batch outlives it (a long-lived
 * input manager would keep every activation of every batch alive, docs/design.md §8.1). The input is
 * staged in one direct buffer allocated once, so a batch costs no Java-side allocation but the logits.
 *
 * <p>On a GPU every new batch shape can stall for seconds the first time, so batches are padded to a
 * power of two (at most {@code maxBatch}) and those few shapes are warmed up in {@link #warmUp()}.
 */
final class DjlBatchPredictor implements BatchPredictor {
    private final LoadedModels.Lease lease;
    private final Model model;
    private final Predictor<NDList, NDList> predictor;
    private final ModelSpec spec;
    private final int maxBatch;
    private final boolean padToBuckets;
    private final ByteBuffer staging;
    private final FloatBuffer stagingFloats;

    DjlBatchPredictor(LoadedModels.Lease lease, Predictor<NDList, NDList> predictor, ModelSpec spec, int maxBatch,
                      boolean padToBuckets) {
        this.lease = lease;
        this.model = lease.model();
        this.predictor = predictor;
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.padToBuckets = padToBuckets;
        this.staging = ByteBuffer.allocateDirect(maxBatch * spec.frameSize() * Float.BYTES)
                .order(ByteOrder.nativeOrder());
        this.stagingFloats = staging.asFloatBuffer();
    }

    /** Runs the batch shapes the stream will use once, so the first real frames are not slow. */
    void warmUp() throws Exception {
        float[] zeros = new float[maxBatch * spec.frameSize()];
        float[] logits = new float[maxBatch * spec.numClasses()];
        if (padToBuckets) {
            for (int n = 1; n < maxBatch; n *= 2) {
                predict(zeros, n, logits);
            }
        } else {
            predict(zeros, 1, logits);
        }
        predict(zeros, maxBatch, logits);
    }

    int bucket(int n) {
        if (!padToBuckets) {
            return n;
        }
        int b = Integer.highestOneBit(n);
        return Math.min(maxBatch, b == n ? n : b << 1);
    }

    @Override
    public void predict(float[] batch, int n, float[] logits) throws Exception {
        int rows = bucket(n);
        int frame = spec.frameSize();
        stagingFloats.clear();
        stagingFloats.put(batch, 0, n * frame); // rows n..rows-1 keep stale data: their logits are ignored
        staging.clear().limit(rows * frame * Float.BYTES);
        try (NDManager batchManager = model.getNDManager().newSubManager()) {
            NDArray x = batchManager.create(staging, new Shape(rows, spec.channels, spec.height, spec.width),
                    DataType.FLOAT32);
            NDList out = predictor.predict(new NDList(x));
            NDArray y = out.singletonOrThrow();
            if (y.getShape().dimension() != 2 || y.getShape().get(1) != spec.numClasses()) {
                throw new IllegalStateException("model " + spec.name + " returned shape " + y.getShape()
                        + ", expected (" + rows + ", " + spec.numClasses() + ")");
            }
            FloatBuffer result = y.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
            result.get(logits, 0, n * spec.numClasses());
        }
    }

    /**
     * NDArrays alive under the model's manager: its parameters, plus anything a batch left behind (there
     * should be nothing: each batch's arrays live in a sub-manager closed after the batch). For tests.
     */
    int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    @Override
    public void close() {
        try {
            predictor.close();
        } finally {
            lease.close(); // closes the model when no other subtask of this JVM shares it
        }
    }
}
