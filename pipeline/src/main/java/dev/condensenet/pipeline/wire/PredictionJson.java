package dev.condensenet.pipeline.wire;

import java.nio.charset.StandardCharsets;

/**
 * Hand-written JSON for predictions: the format is flat and fixed, and this avoids a JSON library on
 * the sink's hot path (and in the job jar). Field names are the documented wire format.
 */
public final class PredictionJson {
    private PredictionJson() {}

    /** The prediction as one UTF-8 JSON object (no trailing newline). */
    public static byte[] toBytes(Prediction p) {
        return write(p, new StringBuilder(256)).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Appends the prediction's JSON to {@code sb} (strings escaped, other control characters as six-character
     * escapes, null strings as {@code null}) and returns {@code sb}.
     */
    public static StringBuilder write(Prediction p, StringBuilder sb) {
        sb.append("{\"stream\":");
        string(sb, p.stream);
        sb.append(",\"frameId\":");
        string(sb, p.frameId);
        sb.append(",\"label\":");
        string(sb, p.label);
        sb.append(",\"classIndex\":").append(p.classIndex);
        sb.append(",\"score\":").append(p.score);
        sb.append(",\"topK\":[");
        for (int i = 0; i < p.topKLabels.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"label\":");
            string(sb, p.topKLabels[i]);
            sb.append(",\"score\":").append(p.topKScores[i]).append('}');
        }
        sb.append("],\"model\":");
        string(sb, p.model);
        sb.append(",\"modelVersion\":").append(p.modelVersion);
        sb.append(",\"captureTs\":").append(p.captureTs);
        sb.append(",\"inferenceTs\":").append(p.inferenceTs);
        sb.append(",\"latencyMs\":").append(p.latencyMs);
        sb.append(",\"batchSize\":").append(p.batchSize);
        return sb.append('}');
    }

    static void string(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
