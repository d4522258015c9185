package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.Flags;
import dev.condensenet.cli.OutputPaths;
import dev.condensenet.pipeline.kafka.EmbeddedKafka;
import dev.condensenet.pipeline.kafka.KafkaClients;
import dev.condensenet.pipeline.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A local single-node Kafka in this JVM, for trying {@code run} and {@code produce} by hand or with kcat. */
@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a standalone local Kafka broker (KRaft, in this JVM, loopback only), create the",
            "pipeline's topics and print the bootstrap address. Runs until Ctrl-C."})
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port = 9092;

    @Option(names = "--data-dir", description = "Keep the broker's data here (reused on restart); "
            + "default: a temporary directory deleted on exit")
    Path dataDir;

    @Option(names = "--topics", split = ",", description = "Topics to create (default: ${DEFAULT-VALUE})")
    List<String> topics = List.of(Topics.FRAMES, Topics.PREDICTIONS, Topics.DEAD_LETTERS);

    @Option(names = "--partitions", description = "Partitions of the input topic, the first of --topics; "
            + "the job's default parallelism (default: ${DEFAULT-VALUE})")
    int partitions = 2;

    @Mixin
    MaxFrameBytesOption frameBytes;

    @Option(names = "--stop-after-s", description = "Stop after this many seconds (0: until Ctrl-C) (default: ${DEFAULT-VALUE})")
    long stopAfterS = 0;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        frameBytes.get();
        Flags.require(partitions >= 1, spec, "--partitions", "must be at least 1");
        Flags.require(!topics.isEmpty() && topics.stream().noneMatch(String::isBlank), spec, "--topics",
                "give one or more topic names");
        Flags.require(stopAfterS >= 0, spec, "--stop-after-s", "must be >= 0 (0 = until Ctrl-C)");
        Flags.require(port >= 0 && port <= 65535, spec, "--port", "use 1..65535, or 0 for a free one");
        LocalInputs.requireFreePort(port, "--port");
        if (dataDir != null) {
            OutputPaths.requireWritableDirectory(dataDir, "--data-dir");
        }
        System.err.println("starting Kafka (KRaft, in-JVM) ...");
        EmbeddedKafka kafka = dataDir == null ? startTemp() : EmbeddedKafka.start(Files.createDirectories(dataDir),
                port, false);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (int i = 0; i < topics.size(); i++) {
            wanted.put(topics.get(i), i == 0 ? partitions : 1);
        }
        try (Admin admin = KafkaClients.admin(kafka.bootstrapServers(), new Properties())) {
            KafkaClients.ensureTopicsForFrames(admin, wanted, (short) 1, topics.get(0), frameBytes.get());
        }
        System.out.println(kafka.bootstrapServers());
        System.out.flush();
        System.err.println("Kafka broker at " + kafka.bootstrapServers() + ", topics " + wanted
                + " (" + topics.get(0) + " takes records up to " + Topics.frameRecordLimit(frameBytes.get()) + " bytes)"
                + (dataDir == null ? "" : ", data in " + dataDir) + ". Ctrl-C to stop.");
        if (stopAfterS > 0) {
            stopped.await(stopAfterS, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(hook);
            kafka.close();
        } else {
            stopped.await();
        }
        return 0;
    }

    private EmbeddedKafka startTemp() throws Exception {
        return EmbeddedKafka.start(Files.createTempDirectory("condensenet-kafka-"), port, true);
    }
}
