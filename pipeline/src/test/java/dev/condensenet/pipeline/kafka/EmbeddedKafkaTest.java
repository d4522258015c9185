package dev.condensenet.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbeddedKafkaTest {
    @Test
    @Timeout(90)
    void startsCreatesTopicsAndCarriesTransactionalRecords() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"));
            KafkaClients.ensureTopics(admin, Map.of("t", 2), (short) 1);
            KafkaClients.ensureTopics(admin, Map.of("t", 2), (short) 1); // idempotent
            assertEquals(2, KafkaClients.partitionCount(admin, "t", Duration.ofSeconds(10)));
            KafkaClients.KafkaSetupException missing = assertThrows(KafkaClients.KafkaSetupException.class,
                    () -> KafkaClients.partitionCount(admin, "nope", Duration.ofSeconds(10)));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

            // A transactional producer needs the transaction-state topic at replication factor 1.
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
                 TopicReader reader = new TopicReader(kafka.bootstrapServers(), "t", true)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("t", ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "aborted".getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                producer.abortTransaction();
                assertEquals(5, reader.waitFor(5, Duration.ofSeconds(30)).size());
                assertEquals(5, reader.drain(Duration.ofSeconds(1)).size(), "aborted record is invisible");
            }
        }
    }

    @Test
    @Timeout(30)
    void unreachableBrokerIsAOneLineError() {
        Properties p = new Properties();
        p.put("request.timeout.ms", "2000");
        p.put("default.api.timeout.ms", "3000");
        long t0 = System.nanoTime();
        KafkaClients.KafkaSetupException e = assertThrows(KafkaClients.KafkaSetupException.class, () -> {
            try (Admin admin = KafkaClients.admin("127.0.0.1:1", p)) {
                KafkaClients.partitionCount(admin, "t", Duration.ofSeconds(4));
            }
        });
        assertEquals("cannot reach a Kafka broker at 127.0.0.1:1 (connection refused): check --bootstrap-servers and "
                + "that the broker is running", e.getMessage());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "said at once, not after the client's timeout");
    }
}
