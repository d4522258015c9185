package dev.condensenet.pipeline.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka (KRaft, broker and controller in one) inside this JVM, on 127.0.0.1 with free
 * ports, for the demo, the {@code broker} subcommand and tests. Needs no Docker and no ZooKeeper.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> saslUsers;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, int port, int controllerPort,
                          Map<String, String> saslUsers) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslUsers = saslUsers;
    }

    /** Starts a broker with its data in a new temporary directory (deleted on close), on a free port. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("condensenet-kafka-"), 0, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker.
     *
     * @param dataDir log directory; formatted if empty, reused (same cluster) if formatted before
     * @param port    client port, 0 for a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose) {
        return start(dataDir, port, 0, deleteOnClose, null);
    }

    /**
     * Starts a broker with every setting explicit, e.g. to restart one: the same data directory, client
     * and controller ports give the same cluster back (its topics, offsets and transactions).
     *
     * @param controllerPort KRaft controller port, 0 for a free one
     * @param saslUsers      null for a PLAINTEXT client listener; else user → password for a
     *                       SASL_PLAINTEXT listener with mechanism PLAIN (clients must authenticate)
     */
    public static EmbeddedKafka start(Path dataDir, int port, int controllerPort, boolean deleteOnClose,
                                      Map<String, String> saslUsers) {
        int clientPort = port > 0 ? port : freePort();
        int ctlPort = controllerPort > 0 ? controllerPort : freePort();
        String client = saslUsers == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + ctlPort);
        p.put("listeners", client + "://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + ctlPort);
        p.put("advertised.listeners", client + "://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", client);
        p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
        if (saslUsers != null) {
            // The controller listener stays PLAINTEXT on loopback; only clients authenticate.
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", plainJaas(saslUsers));
        }
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        // One node: every internal topic at replication factor 1, or transactional producers hang.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly (a typo must not silently create a topic).
        p.put("auto.create.topics.enable", "false");
        // Small footprint: this shares 2 cores with Flink and libtorch.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                format(dataDir, p);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, dataDir, deleteOnClose, clientPort, ctlPort, saslUsers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Broker side of SASL/PLAIN: the first user is the broker's own identity, all may log in. */
    private static String plainJaas(Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("SASL needs at least one user");
        }
        Map.Entry<String, String> self = users.entrySet().iterator().next();
        StringBuilder b = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(self.getKey()).append("\" password=\"").append(self.getValue()).append('"');
        users.forEach((u, pw) -> b.append(" user_").append(u).append("=\"").append(pw).append('"'));
        return b.append(';').toString();
    }

    /** Client settings for a SASL/PLAIN login (what a {@code --kafka-properties} file would hold). */
    public static Properties saslPlainClient(String user, String password) {
        Properties p = new Properties();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    private static void format(Path dataDir, Properties p) throws IOException {
        Path config = Files.createTempFile("condensenet-kafka-", ".properties");
        try {
            try (OutputStream out = Files.newOutputStream(config)) {
                p.store(out, null);
            }
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            // execute(), not main(): main() exits the JVM.
            int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()}, new PrintStream(log, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("kafka storage format failed: " + log.toString(StandardCharsets.UTF_8).trim());
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    /**
     * Stops this broker (keeping its data) and starts it again on the same ports and data directory,
     * as a broker restart in production; clients see it go away and come back.
     *
     * @param down how long it stays away
     */
    public EmbeddedKafka restart(java.time.Duration down) throws InterruptedException {
        if (deleteOnClose) {
            throw new IllegalStateException("restart needs a broker that keeps its data (deleteOnClose false)");
        }
        close();
        Thread.sleep(down.toMillis());
        return start(dataDir, port, controllerPort, false, saslUsers);
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort: a temp directory
            }
        }
    }
}
