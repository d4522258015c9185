package dev.condensenet.pipeline.frames;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Prediction → Kafka: key = stream id (so a stream's predictions stay in order), value = JSON. */
public class PredictionSerializer implements KafkaRecordSerializationSchema<Prediction> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public PredictionSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
        byte[] key = p.stream == null ? null : p.stream.getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DecodeFunction.FRAME_ID, p.frameId.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, null, key, PredictionJson.toBytes(p), headers);
    }
}
