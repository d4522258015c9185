package dev.condensenet.pipeline.bench;

import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.frames.FrameLimits;
import dev.condensenet.pipeline.job.KafkaSettings;
import dev.condensenet.pipeline.job.StreamingJob;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.kafka.SendResults;
import dev.condensenet.pipeline.wire.Headers;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One streaming job of the benchmark, wired exactly as {@code run}/{@code demo} wire it
 * ({@link StreamingJob}: Kafka source → decode → micro-batch inference → Kafka sinks on a local
 * Flink), with its own input, prediction and dead-letter topics, a producer and the output consumer.
 */
final class JobRun implements AutoCloseable {
    private static final AtomicInteger POINT_IDS = new AtomicInteger();

    private final StreamingJob.Builder job;
    private final KafkaSettings kafka;
    private final KafkaProducer<byte[], byte[]> bulk;
    private final KafkaProducer<byte[], byte[]> paced;
    private final OutputReader reader;
    private final int partitions;
    /** The job's frame limit (the bench keeps the default): its topic and producers take such frames. */
    private static final int MAX_FRAME_BYTES = FrameLimits.DEFAULT.maxFrameBytes();
    private JobClient client;
    /** The job as prepared; with a model loaded here, holds it until {@link #close()}. */
    private StreamingJob.Prepared prepared;
    /** Every send's outcome: a frame the topic refuses must not look like a slow job. */
    private final SendResults sends = new SendResults();

    /**
     * Creates the topics {@code <prefix>-frames} (one partition per subtask), -predictions, -dead-letters and
     * points {@code job} (with its parallelism set) at them.
     */
    JobRun(Admin admin, StreamingJob.Builder job, String bootstrap, int parallelism, String prefix) {
        this.partitions = parallelism;
        this.kafka = KafkaSettings.of(bootstrap)
                .withTopics(prefix + "-frames", prefix + "-predictions", prefix + "-dead-letters")
                .withGroupId("bench-" + prefix);
        this.job = job.setKafka(kafka).optParallelism(parallelism);
        KafkaClients.ensureTopicsForFrames(admin, Map.of(kafka.inputTopic(), partitions, kafka.outputTopic(), 1,
                kafka.deadLetterTopic(), 1), (short) 1, kafka.inputTopic(), MAX_FRAME_BYTES);
        this.bulk = producer(bootstrap, "5", MAX_FRAME_BYTES);
        this.paced = producer(bootstrap, "0", MAX_FRAME_BYTES); // a camera sends each frame at once
        this.reader = new OutputReader(bootstrap, kafka.outputTopic(), 1, kafka.deadLetterTopic());
        bulk.partitionsFor(kafka.inputTopic()); // metadata now, not on the first timed send
        paced.partitionsFor(kafka.inputTopic());
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String lingerMs, int maxFrameBytes) {
        Properties p = new Properties();
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.frameRecordLimit(maxFrameBytes)));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 2L * Topics.frameRecordLimit(maxFrameBytes))));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(p);
    }

    /** Writes {@code n} frames to the input topic as fast as possible, before or while the job runs. */
    Point preload(SampleFrames frames, int n) {
        Point p = newPoint(n);
        for (int i = 0; i < n; i++) {
            send(bulk, p, i, frames.encoded(i));
        }
        bulk.flush();
        return p;
    }

    /** Sends {@code n} frames paced at {@code fps} (due frames are sent at once, then it sleeps). */
    Point paced(SampleFrames frames, double fps, int n) {
        Point p = newPoint(n);
        long t0 = System.nanoTime();
        int sent = 0;
        while (sent < n) {
            long due = Math.min(n, 1 + (long) ((System.nanoTime() - t0) * fps / 1e9));
            while (sent < due) {
                send(paced, p, sent, frames.encoded(sent));
                sent++;
            }
            if (sent < n) {
                LockSupport.parkNanos(t0 + (long) (sent * 1e9 / fps) - System.nanoTime());
            }
        }
        paced.flush();
        return p;
    }

    private Point newPoint(int n) {
        Point p = new Point(POINT_IDS.incrementAndGet(), n);
        reader.track(p);
        return p;
    }

    private void send(KafkaProducer<byte[], byte[]> producer, Point p, int seq, byte[] image) {
        int partition = seq % partitions; // spread evenly over the subtasks
        RecordHeaders h = new RecordHeaders();
        h.add(Headers.FRAME_ID, p.frameId(seq).getBytes(StandardCharsets.UTF_8));
        h.add(Headers.CAPTURE_TS, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        byte[] key = ("cam-" + (partition + 1)).getBytes(StandardCharsets.UTF_8);
        p.sentNanos.set(seq, System.nanoTime());
        producer.send(new ProducerRecord<>(kafka.inputTopic(), partition, null, key, image, h),
                sends.callback(p.frameId(seq), null, image.length));
    }

    /** Builds and starts the job as {@code run} does; {@code checkModel} also loads it here first. */
    void start(boolean checkModel, String name) throws StreamingJob.SetupException {
        prepared = job.optLoadModelHere(checkModel).prepare();
        try {
            this.client = prepared.env().executeAsync(name);
        } catch (Exception e) {
            throw new IllegalStateException("the job did not start: " + UserError.oneLine(e), e);
        }
    }

    /**
     * Waits for every output of {@code p}; false on timeout; throws if the job failed meanwhile, or at once
     * if a frame was not written to the input topic (it could never come back).
     */
    boolean await(Point p, Duration timeout) throws Exception {
        boolean complete = reader.await(p, timeout, () -> !sends.anyFailed()
                && (client == null || !client.getJobExecutionResult().isDone()));
        List<SendResults.Failure> failed = sends.failures();
        if (!failed.isEmpty()) {
            throw new StreamingJob.SetupException(failed.size() + " frames were not written; the first: "
                    + SendResults.describe(failed.get(0), kafka.inputTopic(), OptionalLong.empty(),
                    Topics.frameRecordLimit(MAX_FRAME_BYTES)));
        }
        if (!complete && client != null && client.getJobExecutionResult().isDone()) {
            try {
                client.getJobExecutionResult().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the job failed: " + UserError.oneLine(e), e);
            }
        }
        return complete;
    }

    int unknownOutputs() {
        return reader.unknown();
    }

    @Override
    public void close() throws Exception {
        try {
            if (client != null && !client.getJobExecutionResult().isDone()) {
                client.cancel().get(30, TimeUnit.SECONDS);
                // The local cluster stops with its job: wait, so nothing of it runs during model-only.
                client.getJobExecutionResult().handle((r, t) -> null).get(30, TimeUnit.SECONDS);
            }
        } finally {
            if (prepared != null) {
                prepared.close(); // the model, once the job's subtasks have let go of it too
            }
            reader.close();
            bulk.close(Duration.ofSeconds(5));
            paced.close(Duration.ofSeconds(5));
        }
    }
}
