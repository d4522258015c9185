package dev.condensenet.pipeline.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letter → Kafka: the original key, value and headers, plus the error and source headers.
 *
 * <p>Bounded: a dead letter must always fit the producer's {@code max.request.size} and the dead-letter
 * topic's {@code max.message.bytes} (both 1 MiB by default), or the write fails and with it the job,
 * while an input record may be up to {@code --max-frame-bytes} (8 MiB), or more when the decoder refused
 * it. So the original key, headers and value together are copied only up to {@code maxBytes} (counted as
 * Kafka lays them out, with a varint allowance per header), in that order of priority: the key (cut to
 * {@code maxBytes} if larger), each original header that still fits, then as much of the value as
 * still fits, as a prefix. Whatever was cut is named in the header {@link Headers#TRUNCATED}
 * ({@code value}, {@code headers}, {@code key}, comma-separated), and such a dead letter also carries
 * the original value's size ({@link Headers#ORIGINAL_SIZE}) and SHA-256 ({@link Headers#ORIGINAL_SHA256},
 * lowercase hex) so that it can be matched with the original, which stays on the input topic at the
 * {@code source-*} coordinates. A dead letter within the limit is unchanged (no extra headers). The
 * headers this class adds take less than {@link #ADDED_BYTES_MAX} bytes. Why the bound matters:
 * docs/design.md §9.3.
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    /** Default {@code --dead-letter-max-bytes}: a quarter of Kafka's default 1 MiB message limit. */
    public static final int DEFAULT_MAX_BYTES = 256 * 1024;

    /**
     * Upper bound of what the serialized dead letter adds on top of the original bytes it keeps: the
     * added headers (reason ≤ 300 chars, topic name ≤ 249 chars, numbers, hash) with their varints and
     * Kafka's record and batch overhead. {@code maxBytes + ADDED_BYTES_MAX} must fit the producer's
     * {@code max.request.size} and the topic's {@code max.message.bytes}.
     */
    public static final int ADDED_BYTES_MAX = 4096;

    /** Allowance per header for its two length varints and Kafka's header count. */
    static final int HEADER_OVERHEAD = 10;

    private final String topic;
    private final int maxBytes;

    /**
     * With the default limit of {@link #DEFAULT_MAX_BYTES}.
     *
     * @param topic the dead-letter topic every record goes to
     */
    public DeadLetterSerializer(String topic) {
        this(topic, DEFAULT_MAX_BYTES);
    }

    /**
     * With an explicit limit ({@code --dead-letter-max-bytes}).
     *
     * @param topic the dead-letter topic every record goes to
     * @param maxBytes most bytes of the original key, headers and value copied into a dead letter (≥ 0)
     * @throws IllegalArgumentException if {@code maxBytes} is negative
     */
    public DeadLetterSerializer(String topic, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("dead-letter max bytes must be >= 0");
        }
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        FrameRecord s = d.source;
        List<String> cut = new ArrayList<>(3);
        long room = maxBytes;
        byte[] key = s.key;
        if (key != null && key.length > room) {
            key = Arrays.copyOf(key, (int) room);
            cut.add("key");
        }
        room -= key == null ? 0 : key.length;
        RecordHeaders headers = new RecordHeaders();
        boolean headersCut = false;
        for (int i = 0; i < s.headerNames.length; i++) {
            long size = utf8Length(s.headerNames[i]) + (long) s.headerValues[i].length + HEADER_OVERHEAD;
            if (size <= room) {
                headers.add(s.headerNames[i], s.headerValues[i]);
                room -= size;
            } else {
                headersCut = true;
            }
        }
        if (headersCut) {
            cut.add(0, "headers");
        }
        byte[] value = s.value;
        if (value != null && value.length > room) {
            value = Arrays.copyOf(value, (int) room);
            cut.add(0, "value");
        }
        headers.add(Headers.ERROR, utf8(d.error));
        headers.add(Headers.ERROR_CLASS, utf8(d.errorClass));
        headers.add(Headers.SOURCE_TOPIC, utf8(s.topic));
        headers.add(Headers.SOURCE_PARTITION, utf8(Integer.toString(s.partition)));
        headers.add(Headers.SOURCE_OFFSET, utf8(Long.toString(s.offset)));
        if (!cut.isEmpty()) {
            headers.add(Headers.TRUNCATED, utf8(String.join(",", cut)));
            if (s.value != null) {
                headers.add(Headers.ORIGINAL_SIZE, utf8(Integer.toString(s.value.length)));
                headers.add(Headers.ORIGINAL_SHA256, utf8(sha256(s.value)));
            }
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    /** Lowercase hex SHA-256 of {@code bytes} (64 characters), as in the {@link Headers#ORIGINAL_SHA256} header. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
