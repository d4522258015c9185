package dev.condensenet.pipeline.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A Java main class in a separate JVM, with its output in a log file. Every JVM started here is also
 * killed by a shutdown hook, so an aborted test run leaves no cluster behind.
 */
final class ChildJvm {
    private static final List<Process> ALL = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(Process::destroyForcibly),
                "kill-child-jvms"));
    }

    /**
     * What a Flink distribution's {@code lib/} holds, taken from the test classpath: Flink, its logging,
     * and DJL (docs/design.md §9.1). Left out: the project's own classes, the Kafka connector and clients, and
     * test libraries, which the job jar must bring itself (as on a real cluster).
     */
    private static final Pattern NOT_IN_FLINK_LIB = Pattern.compile(
            ".*(/pipeline/target/|/training/target/|/dev/condensenet/|/org/apache/kafka/|flink-connector-kafka"
                    + "|/info/picocli/|/org/junit/|/junit/|/io/fabric8/|/com/networknt/|/org/testcontainers/"
                    + "|/org/assertj/|flink-test-utils|-tests\\.jar).*");

    /** What Flink's start scripts pass to every JVM (env.java.default-opts.all of the distribution). */
    private static final List<String> FLINK_JVM_OPTS = List.of(
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    final String name;
    final Process process;
    final Path log;
    volatile boolean killed;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static String flinkLibClasspath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> keep = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isBlank() && !NOT_IN_FLINK_LIB.matcher(e.replace('\\', '/')).matches()) {
                keep.add(e);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    static ChildJvm start(String name, Path logDir, String heap, Map<String, String> env, String mainClass,
                          String... args) throws IOException {
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", // a missing native library fails fast instead of downloading
                "-Dlog.file=" + log, "-Dlog4j.configurationFile=" + logDir.resolve("log4j2.properties"),
                "-cp", flinkLibClasspath()));
        cmd.addAll(FLINK_JVM_OPTS);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".out").toFile());
        pb.environment().putAll(env);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        ALL.add(p);
        return new ChildJvm(name, p, log);
    }

    /** {@code kill -9}: no shutdown hooks, no goodbye to the JobManager. */
    void kill() throws InterruptedException {
        killed = true;
        process.destroyForcibly().waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }
}
