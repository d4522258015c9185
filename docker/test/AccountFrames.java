import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The container tier's check that every frame sent came out exactly once: reads the predictions and dead-letter
 * topics from the beginning with read_committed (exactly-once output becomes visible per checkpoint) and
 * counts the frame-id header of every record, until each expected frame was seen or the timeout passed.
 * Run with the pipeline CLI jar on the classpath (it has the Kafka client):
 * <pre>java -cp pipeline/target/condensenet-pipeline.jar docker/test/AccountFrames.java BOOTSTRAP TIMEOUT_S STREAM=COUNT...</pre>
 * A STREAM=COUNT argument expects frame ids STREAM-0 ... STREAM-(COUNT-1), as `produce --stream-id STREAM`
 * numbers them. Prints one summary line; exit 0 only when none is missing and none came twice.
 */
public final class AccountFrames {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[1])).toNanos();
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      for (int n = 0; n < Integer.parseInt(kv[1]); n++) {
        expected.put(kv[0] + "-" + n, 0);
      }
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    int predictions = 0;
    int deadLetters = 0;
    int unknown = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of("predictions", "dead-letters")) {
        for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
          parts.add(new TopicPartition(topic, info.partition()));
        }
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long seen = 0;
      long quietUntil = 0;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          Header h = r.headers().lastHeader("frame-id");
          String id = h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
          if (expected.computeIfPresent(id, (k, v) -> v + 1) == null) {
            unknown++;
          } else if (r.topic().equals("predictions")) {
            predictions++;
          } else {
            deadLetters++;
          }
        }
        seen = expected.values().stream().filter(v -> v > 0).count();
        if (seen == expected.size()) {
          // All there: read a little longer, so that a duplicate written right after would still be counted.
          if (quietUntil == 0) {
            quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
          } else if (System.nanoTime() > quietUntil) {
            break;
          }
        }
      }
    }
    long missing = expected.values().stream().filter(v -> v == 0).count();
    long duplicates = expected.values().stream().filter(v -> v > 1).count();
    System.out.printf("frames sent %d: predictions %d, dead letters %d, missing %d, duplicated %d, unknown %d%n",
        expected.size(), predictions, deadLetters, missing, duplicates, unknown);
    if (missing > 0) {
      System.out.println("missing e.g.: " + expected.entrySet().stream().filter(e -> e.getValue() == 0)
          .map(Map.Entry::getKey).sorted().limit(10).toList());
    }
    System.exit(missing == 0 && duplicates == 0 && unknown == 0 ? 0 : 1);
  }
}
