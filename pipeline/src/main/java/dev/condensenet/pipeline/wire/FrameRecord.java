package dev.condensenet.pipeline.wire;

import java.nio.charset.StandardCharsets;

/**
 * One input record exactly as it came from Kafka. A Flink POJO (public fields, no-arg constructor) so
 * it is serialized without Kryo; headers are kept as two parallel arrays for the same reason.
 */
public class FrameRecord {
    /** Record key: the stream/camera id, UTF-8, or null. */
    public byte[] key;
    /** Record value: one encoded image (any bytes; the decoder judges them), or null for a tombstone. */
    public byte[] value;
    /** Header names in record order (repeats allowed). */
    public String[] headerNames = new String[0];
    /** Header values, parallel to {@link #headerNames}; a null value is kept as an empty array. */
    public byte[][] headerValues = new byte[0][];
    /** Topic the record was read from. */
    public String topic;
    /** Partition the record was read from. */
    public int partition;
    /** Offset of the record in its partition. */
    public long offset;
    /** Kafka record timestamp (epoch ms), the default capture time. */
    public long timestamp;

    /** For Flink's POJO serializer. */
    public FrameRecord() {}

    /** A record with all fields given; the arrays are kept, not copied. */
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

    /** The last value of a header decoded as UTF-8, or null if the header is absent. */
    public String headerString(String name) {
        byte[] v = header(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Where the record came from, for reasons and default frame ids: {@code topic-partition-offset}. */
    public String coordinates() {
        return topic + "-" + partition + "-" + offset;
    }
}
