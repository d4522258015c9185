package dev.condensenet.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.condensenet.cli.ExitCodes;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI contract used by checks: command names, JSON keys, exit codes. */
class MainTest {

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(bytes, true));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(old);
        }
        return new Result(code, bytes.toString(), err.toString());
    }

    @Test
    void infoJsonHasTheSpecCounts() {
        Result r = run("info", "--preset", "cifar10-86", "--json");
        assertEquals(0, r.code());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(1451594, o.get("trainParams").getAsLong());
        assertEquals(520202, o.get("trainParamsOfficial").getAsLong());
        assertEquals(65816394, o.get("trainFlops").getAsLong());
        assertEquals(516202, o.get("convertedParams").getAsLong());
        assertEquals(65812394, o.get("convertedFlops").getAsLong());
        Result flags = run("info", "--stages", "14-14-14", "--growth", "8-16-32", "--groups", "4",
                "--condense-factor", "4", "--in-channels", "3", "--image-size", "32", "--classes", "10", "--json");
        assertEquals(r.out(), flags.out());
    }

    @Test
    void invalidConfigsExitWithCodeTwoAndOneLine() {
        for (String[] args : new String[][] {{"info", "--preset", "nope"},
            {"info", "--stages", "3-3", "--growth", "6-6"},
            {"info", "--stages", "2-2", "--growth", "8-16", "--groups", "4", "--condense-factor", "16"},
            {"info", "--model", "/nonexistent/model"},
            {"train", "--preset", "fmnist-26", "--data-dir", "/nonexistent", "--out", "/tmp/x"},
            {"info", "--frobnicate"}}) {
            Result r = run(args);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
        Result r = run("info", "--preset", "nope");
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void resumeReadsMovedDataFromDataDir() throws Exception {
        Path installed = Path.of("/usr/share/datasets/fashion-mnist");
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.createSymbolicLink(data.resolve(f), installed.resolve(f));
        }
        Path out = tmp.resolve("run");
        Result first = run("train", "--preset", "fmnist-26", "--dataset", "fashion-mnist", "--data-dir",
                data.toString(), "--epochs", "1", "--limit", "128", "--test-limit", "64", "--device", "cpu",
                "--out", out.toString());
        assertEquals(0, first.code(), first.err());
        Path moved = Files.move(data, tmp.resolve("moved"));
        Files.delete(out.resolve("config.json")); // so the resumed run must write the model directory again

        Result lost = run("train", "--resume", out.toString());
        assertEquals(ExitCodes.USAGE, lost.code(), lost.err());
        assertTrue(lost.err().contains(data.toString()) && lost.err().contains("--data-dir"), lost.err());
        Result found = run("train", "--resume", out.toString(), "--data-dir", moved.toString());
        assertEquals(0, found.code(), found.err());
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
    }

    @Test
    void verifyConversionReportsTheDifferences() {
        Result r = run("verify-conversion", "--preset", "fmnist-26", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("maxFeatureDiff").getAsDouble() <= 1e-5);
        assertTrue(o.has("maxLogitDiff"));
        assertTrue(o.get("maxCompiledDiff").getAsDouble() <= 1e-5, o.toString());
    }

    @Test
    void benchSmokeRunsEveryFormAndReportsJson() {
        Result r = run("bench", "--stages", "1-1", "--growth", "8-16", "--in-channels", "1", "--image-size", "8",
                "--batch-sizes", "1,4", "--seconds", "0.05", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("gemmGflops").getAsDouble() > 0);
        assertTrue(o.has("device") && o.has("threads"));
        assertEquals(8, o.getAsJsonArray("results").size()); // 4 forms × 2 batch sizes
        JsonObject diffs = o.getAsJsonObject("maxLogitDiffFromMasked");
        assertTrue(diffs.get("condensed").getAsDouble() <= 1e-5, diffs.toString());
        assertTrue(diffs.get("condensed-reference").getAsDouble() <= 1e-5, diffs.toString());
        assertEquals(2, o.getAsJsonObject("condensedPlans").entrySet().stream()
                .mapToInt(e -> e.getValue().getAsInt()).sum());
        for (var e : o.getAsJsonArray("results")) {
            JsonObject row = e.getAsJsonObject();
            assertTrue(row.get("imagesPerSec").getAsDouble() > 0, row.toString());
            assertTrue(row.has("form") && row.has("batchSize") && row.has("msPerBatch"));
        }
    }

    @Test
    void everySubcommandHasHelp() {
        for (String cmd : new String[] {"info", "verify-conversion", "train", "eval", "condense", "samples", "bench"}) {
            Result r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage:"), cmd);
        }
    }

    @Test
    void evalOfADamagedModelExitsWithCodeTwo() {
        Result r = run("eval", "--model", tmp.resolve("none").toString(), "--json");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
    }
}
