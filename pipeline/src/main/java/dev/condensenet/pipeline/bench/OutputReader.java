package dev.condensenet.pipeline.bench;

import dev.condensenet.pipeline.frames.DecodeFunction;
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
    private static final byte[] BATCH_SIZE = "\"batchSize\":".getBytes(StandardCharsets.US_ASCII);

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
        Header h = r.headers().lastHeader(DecodeFunction.FRAME_ID);
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
        p.record(seq, prediction, prediction ? batchSize(r.value()) : 0, now);
    }

    /** The {@code batchSize} field of a prediction's JSON (its last field), without a JSON parser. */
    static int batchSize(byte[] json) {
        outer:
        for (int i = json.length - BATCH_SIZE.length; i >= 0; i--) {
            for (int k = 0; k < BATCH_SIZE.length; k++) {
                if (json[i + k] != BATCH_SIZE[k]) {
                    continue outer;
                }
            }
            int v = 0;
            for (int j = i + BATCH_SIZE.length; j < json.length && json[j] >= '0' && json[j] <= '9'; j++) {
                v = v * 10 + (json[j] - '0');
            }
            return v;
        }
        return 0;
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
