package dev.condensenet.pipeline.inference;

import java.io.Serializable;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Creates the per-subtask predictor inside the task (in the operator's {@code open()}), so the model
 * is loaded where it runs and only this small serializable description travels with the job.
 */
public interface PredictorFactory extends Serializable {
    /** The model's shape, normalization and classes, known when the job is wired. */
    ModelSpec spec();

    /**
     * Loads the model for one subtask and warms it up for batch sizes up to {@code maxBatch}.
     *
     * @param context the subtask's runtime context (external resources such as the GPU index)
     */
    BatchPredictor open(RuntimeContext context, int maxBatch) throws Exception;
}
