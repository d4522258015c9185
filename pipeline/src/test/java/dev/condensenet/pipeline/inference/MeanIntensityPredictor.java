package dev.condensenet.pipeline.inference;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * A tiny deterministic model for testing the batching logic without DJL: frame → class
 * {@code round(mean pixel)} (clamped), with logits {@code -|mean - c| * 4}. Frames are 1×2×2.
 */
public final class MeanIntensityPredictor implements BatchPredictor {
    public static final ModelSpec SPEC = new ModelSpec("mean-intensity",
            List.of("zero", "one", "two", "three", "four"), 1, 2, 2, new float[] {0f}, new float[] {1f});

    /** Counts open predictors across the JVM, so tests can check that close() is called. */
    public static final AtomicInteger OPEN = new AtomicInteger();

    private boolean closed;

    /** A serializable factory for harness and MiniCluster tests. */
    public static final class Factory implements PredictorFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public ModelSpec spec() {
            return SPEC;
        }

        @Override
        public BatchPredictor open(RuntimeContext context, int maxBatch) {
            OPEN.incrementAndGet();
            return new MeanIntensityPredictor();
        }
    }

    @Override
    public void predict(float[] batch, int n, float[] logits) {
        if (closed) {
            throw new IllegalStateException("predict after close");
        }
        int size = SPEC.frameSize();
        int classes = SPEC.numClasses();
        for (int i = 0; i < n; i++) {
            float mean = 0f;
            for (int j = 0; j < size; j++) {
                mean += batch[i * size + j];
            }
            mean /= size;
            for (int c = 0; c < classes; c++) {
                logits[i * classes + c] = -Math.abs(mean - c) * 4f;
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OPEN.decrementAndGet();
        }
    }
}
