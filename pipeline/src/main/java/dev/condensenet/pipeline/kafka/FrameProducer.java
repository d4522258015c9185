package dev.condensenet.pipeline.kafka;

import dev.condensenet.pipeline.wire.Headers;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes frames in the pipeline's wire format: key = stream id, value = image, headers frame-id/capture-ts. */
public final class FrameProducer implements AutoCloseable {
    private static final int DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final long maxRequestSize;

    /** A producer for frames up to the default {@code --max-frame-bytes} (8 MiB). */
    public FrameProducer(String bootstrapServers, Properties extra, String topic) {
        this(bootstrapServers, extra, topic, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * A producer whose requests take every frame the job accepts: {@code max.request.size} is
     * {@link Topics#frameRecordLimit}({@code maxFrameBytes}) unless {@code extra} sets it.
     */
    public FrameProducer(String bootstrapServers, Properties extra, String topic, int maxFrameBytes) {
        Properties p = KafkaClients.clientProperties(bootstrapServers, extra);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        int limit = Topics.frameRecordLimit(maxFrameBytes);
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(limit));
        // The send buffer must hold a whole record, or a large one fails in the client.
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 2L * limit)));
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        this.maxRequestSize = Long.parseLong(p.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** The producer's {@code max.request.size}, bytes (a record larger than this fails in the client). */
    public long maxRequestSize() {
        return maxRequestSize;
    }

    /**
     * Sends one frame.
     *
     * @param frameId   the {@code frame-id} header, or null to leave it out
     * @param captureTs the {@code capture-ts} header (epoch ms), or a negative value to leave it out
     * @param image     encoded image bytes (null sends a tombstone, which the job dead-letters)
     */
    public Future<RecordMetadata> send(String streamId, String frameId, long captureTs, byte[] image) {
        return send(streamId, frameId, captureTs, image, null);
    }

    /** As {@link #send(String, String, long, byte[])}, reporting the outcome to {@code callback} (may be null). */
    public Future<RecordMetadata> send(String streamId, String frameId, long captureTs, byte[] image,
                                       Callback callback) {
        RecordHeaders headers = new RecordHeaders();
        if (frameId != null) {
            headers.add(Headers.FRAME_ID, frameId.getBytes(StandardCharsets.UTF_8));
        }
        if (captureTs >= 0) {
            headers.add(Headers.CAPTURE_TS, Long.toString(captureTs).getBytes(StandardCharsets.UTF_8));
        }
        return sendRaw(streamId, image, headers, callback);
    }

    /** Sends a record with arbitrary headers (tests and the demo's malformed frames). */
    public Future<RecordMetadata> sendRaw(String streamId, byte[] value, RecordHeaders headers) {
        return sendRaw(streamId, value, headers, null);
    }

    /**
     * Sends a record with arbitrary headers, reporting the outcome to {@code callback} (may be null): a
     * send can fail after this returns (too large for the topic, broker gone), and only the callback or
     * the future says so.
     */
    public Future<RecordMetadata> sendRaw(String streamId, byte[] value, RecordHeaders headers, Callback callback) {
        byte[] key = streamId == null ? null : streamId.getBytes(StandardCharsets.UTF_8);
        return producer.send(new ProducerRecord<>(topic, null, null, key, value, headers), callback);
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
