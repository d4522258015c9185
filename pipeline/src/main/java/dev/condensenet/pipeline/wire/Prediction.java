package dev.condensenet.pipeline.wire;

/** One classified frame; serialized to JSON by {@link PredictionJson}. */
public class Prediction {
    public String stream;
    public String frameId;
    public String label;
    public int classIndex;
    public float score;
    /** Top-k labels and scores, best first; {@code topKLabels[0] == label}. */
    public String[] topKLabels;
    public float[] topKScores;
    public String model;
    public long captureTs;
    public long inferenceTs;
    public long latencyMs;
    public int batchSize;

    public Prediction() {}
}
