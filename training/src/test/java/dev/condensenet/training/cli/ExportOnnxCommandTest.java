package dev.condensenet.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export-onnx}: writes the file, never overwrites one without --force (ONNX Runtime check: model module). */
class ExportOnnxCommandTest {

    private static final String MODEL = Path.of("..", "testdata", "models", "fmnist-26").toString();

    @Test
    void writesTheModelAndReplacesAnExistingFileOnlyWithForce(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("fmnist-26.onnx");
        Cli.Result r = Cli.run("export-onnx", "--model", MODEL, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote " + out), r.out());
        assertTrue(r.out().strip().endsWith("layer plan gather-dense3"), r.out());
        long size = Files.size(out);
        assertTrue(size > 100_000, "the weights are in the file: " + size);

        Files.writeString(out, "keep me");
        Cli.run("export-onnx", "--model", MODEL, "--out", out.toString())
                .assertOneLine(2, "error: --out " + out + " exists: use a new --out, or --force to replace it");
        assertEquals("keep me", Files.readString(out));

        assertEquals(0, Cli.run("export-onnx", "--model", MODEL, "--out", out.toString(), "--force").code());
        assertEquals(size, Files.size(out));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void theLiteralTreeIsAPlanAndAnUnknownPlanIsOneErrorLine(@TempDir Path tmp) throws Exception {
        Path literal = tmp.resolve("literal.onnx");
        Cli.Result r = Cli.run("export-onnx", "--model", MODEL, "--out", literal.toString(), "--plan", "LITERAL");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().endsWith("layer plan literal"), r.out());
        Path shuffle = tmp.resolve("shuffle.onnx");
        r = Cli.run("export-onnx", "--model", MODEL, "--out", shuffle.toString(), "--plan", "GATHER_SHUFFLE");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().endsWith("layer plan gather-shuffle"), r.out());
        Cli.run("export-onnx", "--model", MODEL, "--out", tmp.resolve("x.onnx").toString(), "--plan", "fast")
                .assertOneLine(2, "error: --plan: unknown plan 'fast': use literal, gather-shuffle, gather-dense3, "
                        + "dense1-grouped3 or dense1-dense3");
        assertTrue(Files.notExists(tmp.resolve("x.onnx")));
    }

    @Test
    void writesIntoNewDirectoriesReadableAsAnyNewFileAndRefusesDevices(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("a").resolve("b").resolve("m.onnx");
        Cli.Result r = Cli.run("export-onnx", "--model", MODEL, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path probe = Files.createFile(tmp.resolve("probe"));
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(out),
                "the umask's permissions, not a temporary file's owner-only ones");
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        String bytes = new String(Files.readAllBytes(out), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(bytes.contains("[\"T-shirt/top\",\"Trouser\","), "class names as a JSON array");

        Cli.run("export-onnx", "--model", MODEL, "--out", "/dev/null", "--force").assertOneLine(2,
                "error: --out /dev/null is not a regular file (a device, pipe or socket): give a file name");
    }

    @Test
    void aMissingModelDirectoryIsOneErrorLine(@TempDir Path tmp) {
        Cli.Result r = Cli.run("export-onnx", "--model", tmp.resolve("nope").toString(), "--out",
                tmp.resolve("m.onnx").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).startsWith("error: "), r.err());
        assertTrue(Files.notExists(tmp.resolve("m.onnx")));
    }
}
