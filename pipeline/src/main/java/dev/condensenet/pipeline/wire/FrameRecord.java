package dev.condensenet.pipeline.wire;

import java.nio.charset.StandardCharsets;

/**
 * One input record exactly as it came from Kafka. A Flink POJO (public fields, no-arg constructor) so
 * it is serialized without Kryo; headers are kept as two parallel arrays for the same reason.
 */
public class FrameRecord {
    public byte[] key;
    public byte[] value;
    public String[] headerNames = new String[0];
    public byte[][] headerValues = new byte[0][];
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp (epoch ms), the default capture time. */
    public long timestamp;

    public FrameRecord() {}

    public FrameRecord(byte[] key, byte[] value, String[] headerNames, byte[][] headerValues,
                       String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.headerNames = headerNames;
        this.headerValues = headerValues;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /** The last value of a header (Kafka allows repeats; the last one wins), or null. */
    public byte[] header(String name) {
        for (int i = headerNames.length - 1; i >= 0; i--) {
            if (headerNames[i].equals(name)) {
                return headerValues[i];
            }
        }
        return null;
    }

    public String headerString(String name) {
        byte[] v = header(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Where the record came from, for reasons and default frame ids: {@code topic-partition-offset}. */
    public String coordinates() {
        return topic + "-" + partition + "-" + offset;
    }
}
