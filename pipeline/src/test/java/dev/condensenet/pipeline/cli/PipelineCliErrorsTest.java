package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.frames.TestImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every usage and setup error of the pipeline jar and of the job's entry class, through the real {@code execute}:
 * exactly one {@code error:} line on stderr and exit code 2, no usage dump, no stack trace. None needs a broker:
 * files and flags are checked before one is contacted, and an address where nothing listens is told at once.
 */
@Timeout(120)
class PipelineCliErrorsTest {
    private static final String SEE = "; see 'condensenet-pipeline ";

    @TempDir
    static Path tmp;
    static Path model;
    static Path png;

    @BeforeAll
    static void files() throws Exception {
        model = tmp.resolve("model");
        ModelDirectory.writeUntrained(model, "fmnist-26");
        png = Files.write(tmp.resolve("frame.png"), TestImages.encode(TestImages.gray(28, 28, (x, y) -> x), "png"));
    }

    static PipelineCliTest.Result run(java.util.function.IntSupplier main) {
        return PipelineCliTest.capture(main);
    }

    private static void refused(String line, String... args) {
        PipelineCliTest.Result r = run(() -> PipelineCli.execute(args));
        assertEquals(List.of(line), r.err().lines().toList(), String.join(" ", args));
        assertEquals(2, r.code(), String.join(" ", args));
    }

    private static void usage(String command, String why, String... args) {
        refused("error: " + why + SEE + command + " --help'", args);
    }

    @Test
    void noCommandAndUnparsableFlagsAreOneLine() {
        refused("error: choose a command: demo, run, produce, consume, broker, bench, logit-diff; see 'condensenet-pipeline --help'");
        usage("run", "Invalid value for option '--max-batch': 'x' is not an int",
                "run", "--bootstrap-servers", "b:1", "--model", "m", "--max-batch", "x");
        usage("run", "Invalid value for option '--guarantee': expected at-least-once or exactly-once, not 'maybe'",
                "run", "--bootstrap-servers", "b:1", "--model", "m", "--guarantee", "maybe");
        usage("run", "Missing required option: '--bootstrap-servers=<bootstrapServers>'", "run");
        refused("error: " + "give exactly one of --model DIR and --model-root DIR", "run", "--bootstrap-servers", "b:1");
        refused("error: " + "give exactly one of --model DIR and --model-root DIR", "run", "--bootstrap-servers", "b:1",
                "--model", "m", "--model-root", "r");
        refused("error: " + "--model-version applies only to --model-root", "run", "--bootstrap-servers", "b:1",
                "--model", "m", "--model-version", "2");
        refused("error: " + "--model-poll-interval-s must be > 0, not 0.0", "run", "--bootstrap-servers", "b:1",
                "--model-root", "r", "--model-poll-interval-s", "0");
        usage("demo", "Unknown option: '--frobnicate'", "demo", "--frobnicate");
        usage("demo", "option '--limit' (<limit>) should be specified only once", "demo", "--limit", "1", "--limit", "2");
        usage("run", "--device tpu: use auto, cpu, gpu or gpu:N",
                "run", "--bootstrap-servers", "b:1", "--model", "m", "--device", "tpu");
        usage("run", "--threads -1: use 0 (one per core) or a positive number",
                "run", "--bootstrap-servers", "b:1", "--model", model.toString(), "--threads", "-1");
        usage("run", "--status-interval -1: must be >= 0 (0 = no status lines)",
                "run", "--bootstrap-servers", "b:1", "--model", model.toString(), "--status-interval", "-1");
        usage("bench", "--batch-sizes 0,4: every size must be in 1..4096", "bench", "--batch-sizes", "0,4");
        usage("bench", "--device gpu:x: expected gpu:N with a GPU number N >= 0, e.g. gpu:1", "bench", "--device", "gpu:x");
        usage("consume", "--isolation-level dirty: use read_committed or read_uncommitted",
                "consume", "--isolation-level", "dirty");
        usage("demo", "--limit -1: must be >= 0 (0 = all images)", "demo", "--limit", "-1");
    }

    @Test
    void theJobEntryClassIsOneLineToo() {
        PipelineCliTest.Result r = run(() -> JobMain.execute("--bootstrap-servers", "b:1", "--model", "m", "--bogus"));
        assertEquals(List.of("error: Unknown option: '--bogus'; see 'JobMain --help'"), r.err().lines().toList());
        assertEquals(2, r.code());
        r = run(() -> JobMain.execute("--bootstrap-servers", "127.0.0.1:1", "--model", model.toString()));
        assertEquals(List.of("error: cannot reach a Kafka broker at 127.0.0.1:1 (connection refused): check "
                + "--bootstrap-servers and that the broker is running"), r.err().lines().toList());
        assertEquals(2, r.code());
    }

    @Test
    void brokerPortsAndPartitionsAreCheckedBeforeKafkaStarts() throws Exception {
        usage("broker", "--port 70000: use 1..65535, or 0 for a free one", "broker", "--port", "70000");
        usage("broker", "--port -5: use 1..65535, or 0 for a free one", "broker", "--port", "-5");
        usage("broker", "--partitions 0: must be at least 1", "broker", "--port", "0", "--partitions", "0");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            refused("error: --port " + port + ": the port is in use on this machine; stop what listens there or pick "
                    + "another port", "broker", "--port", port);
            refused("error: --prometheus-port " + port + ": the port is in use on this machine; stop what listens "
                    + "there or pick another port", "demo", "--model", model.toString(), "--prometheus-port", port);
            refused("error: --prometheus-port " + port + ": the port is in use on this machine; stop what listens "
                    + "there or pick another port", "run", "--bootstrap-servers", "127.0.0.1:1", "--model",
                    model.toString(), "--prometheus-port", port);
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        refused("error: --data-dir " + file + " is a file, not a directory: choose a directory",
                "broker", "--port", "0", "--data-dir", file.toString());
    }

    @Test
    void anUnreachableBrokerIsNamedAtOnce() {
        String line = "error: cannot reach a Kafka broker at 127.0.0.1:1 (connection refused): check "
                + "--bootstrap-servers and that the broker is running";
        refused(line, "run", "--bootstrap-servers", "127.0.0.1:1", "--model", model.toString());
        refused(line, "produce", "--bootstrap-servers", "127.0.0.1:1", "--images", png.getParent().toString());
        refused(line, "consume", "--bootstrap-servers", "127.0.0.1:1");
        refused("error: cannot reach a Kafka broker at no-such-host.invalid:9092 (No resolvable bootstrap urls given "
                + "in bootstrap.servers): check --bootstrap-servers (host:port[,host:port])",
                "produce", "--bootstrap-servers", "no-such-host.invalid:9092", "--images", png.getParent().toString());
    }

    @Test
    void producersInputsAreCheckedBeforeTheBroker() throws Exception {
        Path none = tmp.resolve("none");
        String b = "127.0.0.1:1"; // never reached: the frames are checked first
        refused("error: --idx " + none + " does not exist: give a file", "produce", "--bootstrap-servers", b,
                "--idx", none.toString());
        refused("error: --idx " + png + " is not an IDX image file (magic 0x89504e47, expected 0x803): give an IDX "
                + "image file such as t10k-images-idx3-ubyte.gz", "produce", "--bootstrap-servers", b, "--idx",
                png.toString());
        Path gz = Files.copy(png, tmp.resolve("frame-idx3-ubyte.gz"));
        refused("error: --idx " + gz + " cannot be read (Not in GZIP format): give an IDX image file such as "
                + "t10k-images-idx3-ubyte.gz", "produce", "--bootstrap-servers", b, "--idx", gz.toString());
        refused("error: --mjpeg " + none + " does not exist: give a file", "produce", "--bootstrap-servers", b,
                "--mjpeg", none.toString());
        refused("error: --mjpeg " + png + " holds no JPEG frame: give an MJPEG stream (JPEG images back to back, "
                + "e.g. ffmpeg -i clip.mp4 -f mjpeg -), or --images for image files", "produce", "--bootstrap-servers",
                b, "--mjpeg", png.toString());
        refused("error: --images " + none + " does not exist: pass a directory of PNG/JPEG/BMP/GIF files",
                "produce", "--bootstrap-servers", b, "--images", none.toString());
        refused("error: --kafka-properties " + none + " does not exist: give a Java properties file of client "
                + "settings (e.g. security.protocol=SASL_SSL)", "produce", "--bootstrap-servers", b, "--images",
                png.getParent().toString(), "--kafka-properties", none.toString());
        refused("error: --images " + none + " does not exist: pass a directory of PNG/JPEG/BMP/GIF files",
                "demo", "--model", model.toString(), "--images", none.toString());
    }

    @Test
    void verboseWorksBeforeAndAfterTheCommand() {
        assertEquals(0, run(() -> PipelineCli.execute("--verbose", "demo", "--help")).code());
        assertEquals(0, run(() -> PipelineCli.execute("broker", "--help", "-v")).code());
    }
}
