package dev.condensenet.pipeline.bench;

import dev.condensenet.pipeline.wire.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The output consumer: reads a job's predictions and dead letters on its own thread from the
 * beginning of both topics and records, per frame, when its output was read. "Read" is the moment
 * {@code poll} returned the record; latency is that minus the moment the frame was handed to the
 * producer (both {@code System.nanoTime()} in this JVM).
 */
final class OutputReader implements AutoCloseable {
    private static final byte[] BATCH_SIZE = field("batchSize");
    private static final byte[] CAPTURE_TS = field("captureTs");
    private static final byte[] INFERENCE_TS = field("inferenceTs");

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String predictionsTopic;
    private final ConcurrentHashMap<Integer, Point> points = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger unknown = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    OutputReader(String bootstrap, String predictionsTopic, int predictionPartitions, String deadLetterTopic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p);
        this.predictionsTopic = predictionsTopic;
        List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < predictionPartitions; i++) {
            parts.add(new TopicPartition(predictionsTopic, i));
        }
        parts.add(new TopicPartition(deadLetterTopic, 0));
        consumer.assign(parts); // no consumer group: no rebalance delay
        consumer.seekToBeginning(parts);
        this.thread = new Thread(this::loop, "bench-output-reader");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void track(Point point) {
        points.put(point.id, point);
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    handle(r, now);
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r, long now) {
        Header h = r.headers().lastHeader(Headers.FRAME_ID);
        String id = h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
        int dash = id.indexOf('-');
        Point p = null;
        int seq = -1;
        if (id.startsWith("p") && dash > 1) {
            try {
                p = points.get(Integer.parseInt(id.substring(1, dash)));
                seq = Integer.parseInt(id.substring(dash + 1));
            } catch (NumberFormatException e) {
                p = null;
            }
        }
        if (p == null || seq < 0 || seq >= p.frames) {
            unknown.incrementAndGet(); // not a frame this benchmark sent
            return;
        }
        boolean prediction = r.topic().equals(predictionsTopic);
        if (prediction) {
            byte[] v = r.value();
            long captured = number(v, CAPTURE_TS);
            long inferred = number(v, INFERENCE_TS);
            // Where the time went: frame sent -> inference done (both wall clock ms in this JVM).
            long upstreamMs = captured > 0 && inferred > 0 ? inferred - captured : -1;
            p.record(seq, true, (int) number(v, BATCH_SIZE), upstreamMs, now);
        } else {
            p.record(seq, false, 0, -1, now);
        }
    }

    private static byte[] field(String name) {
        return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A non-negative integer field of a prediction's flat JSON, searched from the end (the numeric fields
     * come last), without a JSON parser; -1 if absent.
     */
    static long number(byte[] json, byte[] field) {
        outer:
        for (int i = json.length - field.length; i >= 0; i--) {
            for (int k = 0; k < field.length; k++) {
                if (json[i + k] != field[k]) {
                    continue outer;
                }
            }
            long v = 0;
            for (int j = i + field.length; j < json.length && json[j] >= '0' && json[j] <= '9'; j++) {
                v = v * 10 + (json[j] - '0');
            }
            return v;
        }
        return -1;
    }

    /** Waits until every frame of {@code p} came back; false on timeout. Rethrows a reader failure. */
    boolean await(Point p, Duration timeout, java.util.function.BooleanSupplier jobAlive) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!p.complete()) {
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("output consumer failed: " + t.getMessage(), t);
            }
            if (System.nanoTime() > deadline || !jobAlive.getAsBoolean()) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Outputs whose frame id this benchmark never sent. */
    int unknown() {
        return unknown.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false; // the loop polls at most 50 ms at a time
        thread.join(10_000);
    }
}
