package dev.condensenet.pipeline.wire;

/**
 * One classified frame; serialized to JSON by {@link PredictionJson} (field names as here; pipeline/README.md,
 * "Wire format"). A Flink POJO. The operator reuses one instance per subtask, so a consumer must not keep it.
 */
public class Prediction {
    /** Stream/camera id: the input record's key as UTF-8, or null if it had none. */
    public String stream;
    /** The frame's id: its {@code frame-id} header, or {@code <topic>-<partition>-<offset>}. */
    public String frameId;
    /** Label of the most probable class. */
    public String label;
    /** Index of the most probable class, 0 … classes−1. */
    public int classIndex;
    /** Softmax probability of that class, in [0, 1]. */
    public float score;
    /** Top-k labels and scores, best first; {@code topKLabels[0] == label}. */
    public String[] topKLabels;
    /** Softmax probabilities of {@link #topKLabels}, same order. */
    public float[] topKScores;
    /** Name of the model that classified the frame (its model directory's name). */
    public String model;
    /**
     * Version of the model that classified the frame: its number under {@code --model-root} (1, 2, …), or 0
     * for a fixed {@code --model} directory. Also the {@code model-version} header.
     */
    public long modelVersion;
    /** Capture time, epoch ms: the {@code capture-ts} header, else the Kafka record timestamp. */
    public long captureTs;
    /** When the frame's micro-batch finished inference, epoch ms (wall clock of the TaskManager). */
    public long inferenceTs;
    /** {@code inferenceTs − captureTs} in ms, at least 0. */
    public long latencyMs;
    /** Frames in the micro-batch this frame was classified in. */
    public int batchSize;

    /** For Flink's POJO serializer. */
    public Prediction() {}
}
