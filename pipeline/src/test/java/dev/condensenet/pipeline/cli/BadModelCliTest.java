package dev.condensenet.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.store.ModelDirectory;
import dev.condensenet.pipeline.model.BadModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every broken model directory is a one-line error with exit code 2 from every command that takes a
 * model: {@code run} and {@code demo} (which load the parameters before starting anything), and the job
 * jar's entry class as {@code flink run} calls it (which reads config.json only: what it cannot see
 * fails the job in the cluster at once, see {@code BadModelJobTest}).
 */
@Timeout(120)
class BadModelCliTest {
    @TempDir
    static Path tmp;
    static Path good;

    @BeforeAll
    static void writeModel() throws Exception {
        good = tmp.resolve("good");
        ModelDirectory.writeUntrained(good, "fmnist-26");
    }

    @ParameterizedTest
    @EnumSource(BadModels.class)
    void runAndDemoRefuseWithOneLineAndExitCode2(BadModels kind) throws Exception {
        Path dir = kind.create(good, tmp);
        // The broker address is never reached: the model is checked first.
        assertOneLineExit2(kind, PipelineCliTest.cli("run", "--bootstrap-servers", "127.0.0.1:1", "--model", dir.toString()));
        assertOneLineExit2(kind, PipelineCliTest.cli("demo", "--model", dir.toString()));
    }

    @ParameterizedTest
    @EnumSource(value = BadModels.class, names = {"MISSING_DIRECTORY", "MISSING_PARAMETERS"})
    void theJobEntryClassRefusesWhatConfigJsonShows(BadModels kind) throws Exception {
        Path dir = kind.create(good, tmp);
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = JobMain.execute("--bootstrap-servers", "127.0.0.1:1", "--model",
                    dir.toString());
        } finally {
            System.setErr(old);
        }
        assertOneLineExit2(kind, new PipelineCliTest.Result(code, "", err.toString(StandardCharsets.UTF_8)));
    }

    private static void assertOneLineExit2(BadModels kind, PipelineCliTest.Result r) {
        assertEquals(2, r.code(), kind + ": " + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(kind.message), kind + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), kind + ": " + r.err());
    }
}
