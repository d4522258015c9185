package dev.condensenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condensenet.model.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output paths are refused before any work, in one line, and nothing is left behind by the check. */
class OutputPathsTest {

    @TempDir
    Path tmp;

    private static String refusal(Runnable check) {
        return assertThrows(UserError.class, check::run).getMessage();
    }

    @Test
    void directories() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        OutputPaths.requireWritableDirectory(tmp, "--out");
        OutputPaths.requireWritableDirectory(tmp.resolve("new/deeper"), "--out");
        assertEquals("--out " + file + " is a file, not a directory: choose a directory",
                refusal(() -> OutputPaths.requireWritableDirectory(file, "--out")));
        assertEquals("--out " + file.resolve("sub") + " cannot be created: " + file + " is a file",
                refusal(() -> OutputPaths.requireWritableDirectory(file.resolve("sub"), "--out")));
        // not writable even for root: /proc takes no new files
        assertEquals("--out /proc/condensenet cannot be created: /proc is not writable",
                refusal(() -> OutputPaths.requireWritableDirectory(Path.of("/proc/condensenet"), "--out")));
        try (var left = Files.list(tmp)) {
            assertEquals(1, left.count(), "the checks leave nothing behind");
        }
    }

    @Test
    void files() throws Exception {
        OutputPaths.requireWritableFile(tmp.resolve("plot.png"), "--plot");
        assertEquals("--plot " + tmp + " is a directory: give a file name",
                refusal(() -> OutputPaths.requireWritableFile(tmp, "--plot")));
        assertEquals("--plot /proc/plot.png cannot be created: /proc is not writable",
                refusal(() -> OutputPaths.requireWritableFile(Path.of("/proc/plot.png"), "--plot")));
        assertEquals("--out /dev/null is not a regular file (a device, pipe or socket): give a file name",
                refusal(() -> OutputPaths.requireWritableFile(Path.of("/dev/null"), "--out")));
    }
}
