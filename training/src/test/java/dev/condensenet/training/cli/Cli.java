package dev.condensenet.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/** Runs the real {@link Main#execute} with stdout and stderr captured, as a user's shell would see them. */
final class Cli {

    /** A log line of slf4j-simple, with or without time and thread (whichever configuration loaded it first). */
    private static final Pattern LOG_LINE =
            Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d )?(\\[[^]]*] )?(TRACE|DEBUG|INFO|WARN|ERROR) .*");

    record Result(int code, String out, String err) {

        /** stderr without the log lines (slf4j-simple writes them to stderr too). */
        List<String> errorLines() {
            return err.lines().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
        }

        /** Exactly one line on stderr besides logs, and the exit code. */
        Result assertOneLine(int expectedCode, String expectedLine) {
            assertEquals(List.of(expectedLine), errorLines(), err);
            assertEquals(expectedCode, code, err);
            return this;
        }
    }

    private Cli() {
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        oldErr.print(e); // keep the run's logs in the test report
        return new Result(code, out.toString(StandardCharsets.UTF_8), e);
    }
}
