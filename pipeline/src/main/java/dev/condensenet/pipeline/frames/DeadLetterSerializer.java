package dev.condensenet.pipeline.frames;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Dead letter → Kafka: the original key, value and headers, plus the error and source headers. */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        FrameRecord s = d.source;
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < s.headerNames.length; i++) {
            headers.add(s.headerNames[i], s.headerValues[i]);
        }
        headers.add(DeadLetter.ERROR, utf8(d.error));
        headers.add(DeadLetter.ERROR_CLASS, utf8(d.errorClass));
        headers.add(DeadLetter.SOURCE_TOPIC, utf8(s.topic));
        headers.add(DeadLetter.SOURCE_PARTITION, utf8(Integer.toString(s.partition)));
        headers.add(DeadLetter.SOURCE_OFFSET, utf8(Long.toString(s.offset)));
        return new ProducerRecord<>(topic, null, null, s.key, s.value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
