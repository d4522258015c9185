package dev.condensenet.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink session cluster as separate JVMs on 127.0.0.1, from the test classpath (docs/design.md §9.1):
 * one JobManager ({@code StandaloneSessionClusterEntrypoint}), TaskManagers ({@code TaskManagerRunner})
 * with DJL on their classpath loaded parent-first, jobs submitted with Flink's own {@code flink run}
 * client ({@code CliFrontend}) as a user would. All processes are killed on {@link #close()}.
 */
final class FlinkProcessCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final int restPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<ChildJvm> jvms = new ArrayList<>();

    private FlinkProcessCluster(Path dir, int restPort) {
        this.dir = dir;
        this.restPort = restPort;
    }

    /** Writes {@code config.yaml} and starts the JobManager; TaskManagers come with {@link #startTaskManager}. */
    static FlinkProcessCluster start(Path dir, int slotsPerTaskManager) throws IOException {
        int restPort = freePort();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slotsPerTaskManager,
                "taskmanager.cpu.cores: 1.0", // the start scripts set it; TaskManagerRunner requires it
                // Small and explicit: four JVMs share 2 cores and a few GB with a training run.
                "jobmanager.memory.process.size: 900m",
                // Every size spelled out: the start scripts compute these, TaskManagerRunner does not.
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 256m",
                "taskmanager.memory.framework.off-heap.size: 64m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.managed.size: 16m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 128m",
                "taskmanager.memory.jvm-overhead.max: 128m",
                "taskmanager.memory.network.min: 32m",
                "taskmanager.memory.network.max: 32m",
                // The production setting under test: DJL comes from the TaskManager classpath.
                "classloader.parent-first-patterns.additional: ai.djl.",
                // A killed TaskManager is noticed in seconds, not after the default 50 s.
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 5000",
                "heartbeat.rpc-failure-threshold: 1",
                "slot.request.timeout: 120000",
                ""));
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                ""));
        FlinkProcessCluster c = new FlinkProcessCluster(dir, restPort);
        c.jvms.add(ChildJvm.start("jobmanager", dir, "512m", Map.of(),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--configDir", dir.toString()));
        c.await(Duration.ofSeconds(90), "the JobManager's REST API", () -> c.get("/overview") != null);
        return c;
    }

    /** Starts a TaskManager with resource id {@code id} (the id the REST API reports for it). */
    ChildJvm startTaskManager(String id) throws IOException {
        ChildJvm tm = ChildJvm.start(id, dir, "640m", Map.of(), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "--configDir", dir.toString(), "-D", "taskmanager.resource-id=" + id);
        jvms.add(tm);
        return tm;
    }

    /** A process started by this cluster, by name (a TaskManager's name is its resource id). */
    ChildJvm jvm(String name) {
        return jvms.stream().filter(j -> j.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + name));
    }

    /** Waits until exactly these TaskManagers are registered. */
    void awaitTaskManagers(Duration timeout, String... ids) {
        List<String> want = List.of(ids);
        await(timeout, "TaskManagers " + want, () -> {
            JsonNode tms = get("/taskmanagers");
            if (tms == null) {
                return false;
            }
            List<String> have = new ArrayList<>();
            tms.get("taskmanagers").forEach(t -> have.add(t.get("id").asText()));
            return have.size() == want.size() && have.containsAll(want);
        });
    }

    /** What {@code flink run} printed and returned. */
    record ClientResult(int exitCode, String output) {}

    /**
     * {@code flink run -d <jar> <args>} with Flink's own client in its own JVM. The client reads the
     * model directory's config.json, so it has DJL on its classpath too (pipeline README).
     */
    ClientResult flinkRun(Path jobJar, List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> cli = new ArrayList<>(List.of("run", "-d", jobJar.toString()));
        cli.addAll(args);
        ChildJvm client = ChildJvm.start("flink-run-" + System.nanoTime(), dir, "384m",
                Map.of("FLINK_CONF_DIR", dir.toString()), "org.apache.flink.client.cli.CliFrontend",
                cli.toArray(String[]::new));
        jvms.add(client);
        if (!client.process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            client.kill();
            throw new AssertionError("flink run did not finish within " + timeout.toSeconds() + " s");
        }
        return new ClientResult(client.process.exitValue(), Files.readString(dir.resolve(client.name + ".out")));
    }

    /** Submits a job that must be accepted; returns its id. */
    String submit(Path jobJar, List<String> args) throws IOException, InterruptedException {
        ClientResult r = flinkRun(jobJar, args, Duration.ofSeconds(120));
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(r.output());
        if (r.exitCode() != 0 || !m.find()) {
            throw new AssertionError("flink run failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        return m.group(1);
    }

    String jobState(String jobId) {
        JsonNode j = get("/jobs/" + jobId);
        return j == null ? "UNKNOWN" : j.get("state").asText();
    }

    void awaitJobState(String jobId, String state, Duration timeout) {
        await(timeout, "job " + jobId + " " + state, () -> state.equals(jobState(jobId)));
    }

    /** Waits until every task of the job is RUNNING (deployed, model loaded, reading Kafka). */
    void awaitAllTasksRunning(String jobId, Duration timeout) {
        await(timeout, "all tasks of job " + jobId + " running", () -> {
            JsonNode j = get("/jobs/" + jobId);
            if (j == null || !"RUNNING".equals(j.get("state").asText())) {
                return false;
            }
            for (JsonNode v : j.get("vertices")) {
                if (!"RUNNING".equals(v.get("status").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Resource ids of the TaskManagers running the job's tasks right now. */
    List<String> taskManagersOf(String jobId) {
        List<String> ids = new ArrayList<>();
        for (JsonNode v : get("/jobs/" + jobId).get("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + v.get("id").asText() + "/taskmanagers")
                    .get("taskmanagers")) {
                String id = tm.get("taskmanager-id").asText();
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    JsonNode checkpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** The job's failure history (root causes with stack traces) as the REST API shows it. */
    JsonNode exceptions(String jobId) {
        return get("/jobs/" + jobId + "/exceptions");
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        awaitJobState(jobId, "CANCELED", Duration.ofSeconds(60));
    }

    /** Everything the TaskManagers logged, to look for failures that never reach a job's history. */
    String taskManagerLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (ChildJvm j : jvms) {
            if (j.name.startsWith("tm-")) {
                for (Path p : List.of(j.log, dir.resolve(j.name + ".out"))) {
                    if (Files.exists(p)) {
                        b.append(Files.readString(p));
                    }
                }
            }
        }
        return b.toString();
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null; // not up (yet)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    void await(Duration timeout, String what, Check check) {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            for (ChildJvm j : jvms) {
                boolean server = j.name.equals("jobmanager") || j.name.startsWith("tm-");
                if (server && !j.killed && !j.alive()) {
                    throw new AssertionError(j.name + " died (exit " + j.process.exitValue() + "); see " + j.log);
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")") + "; logs in " + dir);
    }

    /** {@code dir}, emptied (left-overs of an earlier run) or created. */
    static Path emptyDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (ChildJvm j : jvms) {
            j.process.destroyForcibly();
        }
        for (ChildJvm j : jvms) {
            try {
                j.process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
