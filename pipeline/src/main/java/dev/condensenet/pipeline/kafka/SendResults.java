package dev.condensenet.pipeline.kafka;

import dev.condensenet.model.error.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What became of every frame a producer run sent: how many the broker acknowledged, and for each one that
 * was not written, which frame and why. A Kafka send fails after {@code send()} has returned (a record
 * larger than the topic's {@code max.message.bytes}, a broker that went away), so a tool that only counts
 * its calls reports frames as sent that no topic holds. Callbacks run on the producer's I/O thread:
 * thread-safe.
 */
public final class SendResults {
    /** One frame that was not written: its id, where it came from (a file name), its size and the cause. */
    public record Failure(String frameId, String source, long bytes, Exception cause) {}

    private final AtomicLong acknowledged = new AtomicLong();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

    /** A callback for one send. */
    public Callback callback(String frameId, String source, long bytes) {
        return (metadata, e) -> {
            if (e == null) {
                acknowledged.incrementAndGet();
            } else {
                failures.add(new Failure(frameId, source, bytes, e));
            }
        };
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /** Whether any send failed so far (cheap: for polling loops). */
    public boolean anyFailed() {
        return !failures.isEmpty();
    }

    public List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    /**
     * Whether every failure is one the user fixes by changing the setup (topic limits, permissions, topic
     * name, client settings) rather than a transient broker problem: the CLI's exit code 2.
     */
    public boolean allSetupErrors() {
        return !failures.isEmpty() && failures.stream().allMatch(f -> isSetupError(f.cause()));
    }

    static boolean isSetupError(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof AuthorizationException
                || e instanceof UnknownTopicOrPartitionException || e instanceof InvalidTopicException
                || e instanceof SerializationException;
    }

    /**
     * One line for a failure: the frame, its size and the cause, with what to do for a record too large
     * for the topic ({@code topicLimit}, the topic's {@code max.message.bytes} if known) or the producer.
     */
    public static String describe(Failure f, String topic, OptionalLong topicLimit, long maxRequestSize) {
        String what = "frame " + f.frameId() + (f.source() == null ? "" : " (" + f.source() + ")") + ", "
                + f.bytes() + " bytes, was not written to " + topic + ": ";
        String cause = UserError.oneLine(f.cause());
        if (f.cause() instanceof RecordTooLargeException) {
            if (f.bytes() >= maxRequestSize) {
                return what + "larger than the producer's max.request.size of " + maxRequestSize
                        + " bytes (raise --max-frame-bytes, or send a smaller image)";
            }
            return what + "larger than topic " + topic + " accepts" + (topicLimit.isPresent()
                    ? " (max.message.bytes " + topicLimit.getAsLong() + ")" : "") + ": raise the topic's"
                    + " max.message.bytes (kafka-configs --alter --entity-type topics --entity-name " + topic
                    + " --add-config max.message.bytes=N) to --max-frame-bytes plus 64 KiB";
        }
        return what + cause;
    }
}
