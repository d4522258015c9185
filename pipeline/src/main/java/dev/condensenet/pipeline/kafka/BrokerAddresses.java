package dev.condensenet.pipeline.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.ClientDnsLookup;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.common.config.ConfigException;

/**
 * A quick look at the bootstrap addresses before a Kafka client is created: when nothing listens at any of
 * them, the clients only say "Timed out waiting for a node assignment" after their whole API timeout. A TCP
 * connection (no Kafka protocol, so TLS and SASL do not matter) tells that in milliseconds.
 */
final class BrokerAddresses {

    /** How long one address may take to accept a connection. */
    static final int CONNECT_TIMEOUT_MS = 3000;

    /**
     * How long an unresolvable bootstrap host name is retried before it is reported. Container and cluster DNS
     * (podman's aardvark-dns, Kubernetes' CoreDNS) can fail a lookup for a moment while it is busy or a pod is
     * starting; a name that really does not exist costs this much more before its error line.
     */
    static final long RESOLVE_RETRY_MS = 3000;
    private static final long RESOLVE_PAUSE_MS = 250;

    private BrokerAddresses() {
    }

    /**
     * @throws KafkaClients.KafkaSetupException naming the addresses and why none could be reached (malformed,
     *     unknown host, connection refused, no answer)
     */
    static void requireReachable(String bootstrapServers) {
        List<String> given = Arrays.stream(bootstrapServers.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        List<InetSocketAddress> addresses = resolve(given, bootstrapServers);
        List<String> why = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            try (Socket s = new Socket()) {
                s.connect(a, CONNECT_TIMEOUT_MS);
                return; // something listens: the Kafka client takes it from here
            } catch (ConnectException e) {
                why.add("connection refused");
            } catch (SocketTimeoutException e) {
                why.add("no answer within " + CONNECT_TIMEOUT_MS / 1000 + " s");
            } catch (IOException e) {
                why.add(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        throw new KafkaClients.KafkaSetupException("cannot reach a Kafka broker at " + bootstrapServers + " ("
                + String.join(", ", why.stream().distinct().toList()) + "): check --bootstrap-servers and that the "
                + "broker is running");
    }

    /**
     * The addresses of {@code given}, retrying for {@link #RESOLVE_RETRY_MS} while no host name resolves. A
     * malformed entry (no port, bad port) fails at once: retrying cannot fix it.
     */
    private static List<InetSocketAddress> resolve(List<String> given, String bootstrapServers) {
        long deadline = System.nanoTime() + RESOLVE_RETRY_MS * 1_000_000;
        while (true) {
            try {
                return ClientUtils.parseAndValidateAddresses(given, ClientDnsLookup.USE_ALL_DNS_IPS);
            } catch (ConfigException e) {
                boolean unresolved = e.getMessage() != null && e.getMessage().startsWith("No resolvable");
                if (!unresolved || System.nanoTime() > deadline) {
                    throw new KafkaClients.KafkaSetupException("cannot reach a Kafka broker at " + bootstrapServers
                            + " (" + e.getMessage() + "): check --bootstrap-servers (host:port[,host:port])");
                }
            }
            try {
                Thread.sleep(RESOLVE_PAUSE_MS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new KafkaClients.KafkaSetupException("interrupted while resolving " + bootstrapServers);
            }
        }
    }
}
