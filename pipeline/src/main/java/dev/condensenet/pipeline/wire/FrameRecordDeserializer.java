package dev.condensenet.pipeline.wire;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Keeps the whole Kafka record (key, value, headers, coordinates): decoding happens in the next step,
 * where a failure can be dead-lettered with the original bytes. Never throws, so no record can fail
 * the source; null values (tombstones) pass through and are dead-lettered downstream. Header values that
 * are null become empty arrays.
 */
public class FrameRecordDeserializer implements KafkaRecordDeserializationSchema<FrameRecord> {
    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<FrameRecord> out) {
        Header[] headers = r.headers().toArray();
        String[] names = new String[headers.length];
        byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            names[i] = headers[i].key();
            values[i] = headers[i].value() == null ? EMPTY : headers[i].value();
        }
        out.collect(new FrameRecord(r.key(), r.value(), names, values, r.topic(), r.partition(),
                r.offset(), r.timestamp()));
    }

    @Override
    public TypeInformation<FrameRecord> getProducedType() {
        return TypeInformation.of(FrameRecord.class);
    }
}
