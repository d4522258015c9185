package dev.condensenet.pipeline.kafka;

import dev.condensenet.pipeline.wire.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes frames in the pipeline's wire format: key = stream id, value = image, headers frame-id/capture-ts. */
public final class FrameProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public FrameProducer(String bootstrapServers, Properties extra, String topic) {
        Properties p = KafkaClients.clientProperties(bootstrapServers, extra);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024 + 4096));
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /**
     * Sends one frame.
     *
     * @param frameId   the {@code frame-id} header, or null to leave it out
     * @param captureTs the {@code capture-ts} header (epoch ms), or a negative value to leave it out
     * @param image     encoded image bytes (null sends a tombstone, which the job dead-letters)
     */
    public Future<RecordMetadata> send(String streamId, String frameId, long captureTs, byte[] image) {
        RecordHeaders headers = new RecordHeaders();
        if (frameId != null) {
            headers.add(Headers.FRAME_ID, frameId.getBytes(StandardCharsets.UTF_8));
        }
        if (captureTs >= 0) {
            headers.add(Headers.CAPTURE_TS, Long.toString(captureTs).getBytes(StandardCharsets.UTF_8));
        }
        byte[] key = streamId == null ? null : streamId.getBytes(StandardCharsets.UTF_8);
        return producer.send(new ProducerRecord<>(topic, null, null, key, image, headers));
    }

    /** Sends a record with arbitrary headers (tests and the demo's malformed frames). */
    public Future<RecordMetadata> sendRaw(String streamId, byte[] value, RecordHeaders headers) {
        byte[] key = streamId == null ? null : streamId.getBytes(StandardCharsets.UTF_8);
        return producer.send(new ProducerRecord<>(topic, null, null, key, value, headers));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
