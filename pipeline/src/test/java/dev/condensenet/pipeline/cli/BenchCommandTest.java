package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.bench.BenchPlots;
import dev.condensenet.pipeline.job.Testdata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming benchmark in its tiny configuration (what CI smoke-tests): every documented key with
 * sane values and every frame accounted for, the plots written, bad flags refused. No timing thresholds.
 */
@Timeout(240)
class BenchCommandTest {
    @TempDir
    static Path tmp;

    /** The shipped model when there is one (as the command's default), else an untrained one of its shape. */
    static Path model() throws Exception {
        var shipped = Testdata.model();
        if (shipped.isPresent()) {
            return shipped.get();
        }
        Path m = tmp.resolve("model");
        if (!Files.exists(m)) {
            ModelDirectory.writeUntrained(m, "fmnist-26");
        }
        return m;
    }

    @Test
    void tinyBenchReportsEveryKeyAndWritesThePlots() throws Exception {
        Path plots = tmp.resolve("plots");
        List<String> args = new ArrayList<>(List.of("bench", "--model", model().toString(), "--batch-sizes", "1,4",
                "--rates", "0.5", "--frames", "64", "--json", "--plot", plots.toString()));
        PipelineCliTest.Result r = PipelineCliTest.cli(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().strip());

        for (String key : new String[] {"model", "device", "threads", "parallelism", "maxDelayMs", "referenceBatch",
            "peakFps", "pipelineOverModel", "batchGain", "latencyP50Ms", "latencyP95Ms", "latencyP99Ms",
            "latencyBoundMs", "latencyTargetMet", "pipelineOverModelMet", "batchGainMet", "batches", "rates",
            "framesSent", "predictions", "deadLettered", "missing", "duplicates", "accountedFor"}) {
            assertTrue(j.has(key), key + " in " + j);
        }
        assertEquals(1, j.get("threads").asInt());
        assertEquals(20, j.get("maxDelayMs").asInt());
        assertEquals(4, j.get("referenceBatch").asInt(), "64 is not swept: the largest batch size is the reference");
        assertTrue(j.get("device").asText().startsWith("cpu") || j.get("device").asText().startsWith("gpu"));

        JsonNode batches = j.get("batches");
        assertEquals(2, batches.size());
        for (JsonNode b : batches) {
            assertTrue(b.get("pipelineFps").asDouble() > 0, b.toString());
            assertTrue(b.get("modelFps").asDouble() > 0, b.toString());
            assertTrue(b.get("modelMsPerBatch").asDouble() > 0, b.toString());
            assertTrue(b.get("pipelineMeanBatch").asDouble() >= 1
                    && b.get("pipelineMeanBatch").asDouble() <= b.get("batchSize").asInt(), b.toString());
            assertTrue(b.get("complete").asBoolean(), b.toString());
        }
        assertEquals(1, batches.get(0).get("batchSize").asInt());
        assertEquals(4, batches.get(1).get("batchSize").asInt());
        assertEquals(batches.get(1).get("pipelineFps").asDouble(), j.get("peakFps").asDouble(), 1e-9);
        assertTrue(j.get("pipelineOverModel").asDouble() > 0);
        assertTrue(j.get("batchGain").asDouble() > 0);

        JsonNode rates = j.get("rates");
        assertEquals(1, rates.size());
        JsonNode half = rates.get(0);
        assertEquals(0.5, half.get("fraction").asDouble());
        assertEquals(j.get("peakFps").asDouble() / 2, half.get("targetFps").asDouble(), 0.1);
        assertTrue(half.get("achievedFps").asDouble() > 0);
        assertTrue(0 < half.get("p50Ms").asDouble() && half.get("p50Ms").asDouble() <= half.get("p95Ms").asDouble()
                && half.get("p95Ms").asDouble() <= half.get("p99Ms").asDouble(), half.toString());
        assertEquals(half.get("p50Ms").asDouble(), j.get("latencyP50Ms").asDouble());
        assertEquals(half.get("p99Ms").asDouble(), j.get("latencyP99Ms").asDouble());
        double bound = j.get("maxDelayMs").asDouble() + 2 * batches.get(1).get("modelMsPerBatch").asDouble();
        assertEquals(bound, j.get("latencyBoundMs").asDouble(), 0.02);
        assertEquals(j.get("latencyP99Ms").asDouble() <= j.get("latencyBoundMs").asDouble(),
                j.get("latencyTargetMet").asBoolean());

        // 64 pre-loaded frames per batch size plus the rate point's (at most 64): each came back once.
        int sent = j.get("framesSent").asInt();
        assertEquals(2 * 64 + half.get("frames").asInt(), sent);
        assertEquals(sent, j.get("predictions").asInt());
        assertEquals(0, j.get("deadLettered").asInt());
        assertEquals(0, j.get("missing").asInt());
        assertEquals(0, j.get("duplicates").asInt());
        assertTrue(j.get("accountedFor").asBoolean());

        for (String name : new String[] {BenchPlots.THROUGHPUT, BenchPlots.LATENCY}) {
            Path png = plots.resolve(name);
            assertTrue(Files.size(png) > 1000, name);
            var image = ImageIO.read(png.toFile());
            assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--batch-sizes=1,x", "--batch-sizes=0,4", "--rates=1.5", "--rates=0", "--frames=0",
        "--frames=abc", "--seconds=0", "--max-delay-ms=0", "--threads=-1", "--parallelism=0", "--device=tpu",
        "--no-such-flag"})
    void badFlagsAreOneLineAndExitCode2(String flag) throws Exception {
        PipelineCliTest.Result r = PipelineCliTest.cli("bench", "--model", model().toString(), flag);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingModelIsExitCode2() {
        PipelineCliTest.Result r = PipelineCliTest.cli("bench", "--model", tmp.resolve("nope").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: model directory"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void helpListsTheFlags() {
        PipelineCliTest.Result r = PipelineCliTest.cli("bench", "--help");
        assertEquals(0, r.code());
        for (String flag : new String[] {"--model", "--frames", "--seconds", "--batch-sizes", "--rates",
            "--max-delay-ms", "--threads", "--device", "--parallelism", "--json", "--plot"}) {
            assertTrue(r.out().contains(flag), flag);
        }
    }
}
