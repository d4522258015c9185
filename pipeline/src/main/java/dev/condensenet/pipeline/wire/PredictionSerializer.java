package dev.condensenet.pipeline.wire;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Prediction → Kafka: key = stream id as UTF-8 (so a stream's predictions stay in order; null without one),
 * headers {@code frame-id} and {@code model-version}, value = the JSON of {@link PredictionJson}. The prediction's {@code frameId} must be
 * set (the decoder always sets it).
 */
public class PredictionSerializer implements KafkaRecordSerializationSchema<Prediction> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    /** One per sink writer (the task thread): reused so a prediction costs one String and its bytes. */
    private transient StringBuilder json;
    /** The last {@code model-version} header value: a version serves many frames, so it is encoded once. */
    private transient long versionOfBytes = -1;
    private transient byte[] versionBytes;

    /**
     * Writes to one topic.
     *
     * @param topic the predictions topic every record goes to
     */
    public PredictionSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
        byte[] key = p.stream == null ? null : p.stream.getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.FRAME_ID, p.frameId.getBytes(StandardCharsets.UTF_8));
        if (p.modelVersion != versionOfBytes) {
            versionBytes = Long.toString(p.modelVersion).getBytes(StandardCharsets.UTF_8);
            versionOfBytes = p.modelVersion;
        }
        headers.add(Headers.MODEL_VERSION, versionBytes);
        if (json == null) {
            json = new StringBuilder(512);
        }
        json.setLength(0);
        byte[] value = PredictionJson.write(p, json).toString().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }
}
