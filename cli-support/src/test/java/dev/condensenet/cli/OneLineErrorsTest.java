package dev.condensenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.model.engine.DeviceSpec;
import dev.condensenet.model.error.UserError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The shared flags and the one-line error contract, on a small command tree like the two jars'. */
class OneLineErrorsTest {

    @Command(name = "tool", subcommands = {Work.class, Nested.class, CommandLine.HelpCommand.class})
    static final class Tool extends RootCommand {
    }

    @Command(name = "work", mixinStandardHelpOptions = true)
    static final class Work implements Callable<Integer> {
        static String seen;
        static boolean exactFp32;
        @Mixin
        ThreadsOption threads = new ThreadsOption(1);
        @Mixin
        DeviceOption device;
        @Option(names = "--count")
        int count;
        @Option(names = "--fail")
        String fail;
        @CommandLine.ArgGroup(exclusive = true)
        Either either;

        @Override
        public Integer call() {
            if ("user".equals(fail)) {
                throw new UserError("--fail user: what the user did wrong");
            }
            if ("bug".equals(fail)) {
                throw new IllegalStateException("wrapped", new NullPointerException("the real cause"));
            }
            seen = threads.get() + " " + device.get();
            exactFp32 = device.get().exactFp32();
            return 0;
        }
    }

    /** Two flags of which one may be given (picocli's messages for groups start with "Error: "). */
    static final class Either {
        @Option(names = "--a")
        String a;
        @Option(names = "--b")
        String b;
    }

    /** A flag bag like the job's options, itself a mixin of the shared mixins. */
    static final class Options {
        @Mixin
        ThreadsOption threads = new ThreadsOption(1);
        @Mixin
        DeviceOption device;
    }

    @Command(name = "nested")
    static final class Nested implements Callable<Integer> {
        @Mixin
        Options options = new Options();

        @Override
        public Integer call() {
            Work.seen = options.threads.get() + " " + options.device.get();
            return 0;
        }
    }

    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = OneLineErrors.install(new CommandLine(new Tool()));
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return new Result(cl.execute(args), err.toString());
    }

    private static void assertOneLine(int code, String line, String... args) {
        Result r = run(args);
        assertEquals(line + System.lineSeparator(), r.err(), String.join(" ", args));
        assertEquals(code, r.code(), String.join(" ", args));
    }

    @Test
    void parseErrorsAreOneLineWithTheCommandToAskForHelp() {
        assertOneLine(2, "error: Missing required parameter for option '--count' (<count>); see 'tool work --help'",
                "work", "--count");
        assertOneLine(2, "error: Invalid value for option '--count': 'x' is not an int; see 'tool work --help'",
                "work", "--count", "x");
        assertOneLine(2, "error: option '--count' (<count>) should be specified only once; see 'tool work --help'",
                "work", "--count", "1", "--count", "2");
        assertOneLine(2, "error: Unknown option: '--frobnicate'; see 'tool work --help'", "work", "--frobnicate");
        assertOneLine(2, "error: --a=<a>, --b=<b> are mutually exclusive (specify only one); see 'tool work --help'",
                "work", "--a", "1", "--b", "2");
        assertOneLine(2, "error: choose a command: work, nested; see 'tool --help'");
    }

    @Test
    void sharedFlagsParseOneWayAndRefuseBadValuesInOneLine() {
        assertEquals(0, run("work").code());
        assertEquals("1 auto", Work.seen);
        assertEquals(0, run("work", "--threads", "0", "--device", "gpu:2").code());
        assertEquals("0 gpu:2", Work.seen);
        assertOneLine(2, "error: --device tpu: use auto, cpu, gpu or gpu:N; see 'tool work --help'",
                "work", "--device", "tpu");
        assertOneLine(2, "error: --threads -1: use 0 (one per core) or a positive number; see 'tool work --help'",
                "work", "--threads", "-1");
        assertEquals(DeviceSpec.AUTO, new DeviceOption().get());
        assertEquals(0, run("work", "--device", "gpu", "--exact-fp32").code());
        assertEquals("1 gpu", Work.seen);
        assertEquals(true, Work.exactFp32);
        assertEquals(0, run("work", "--device", "gpu").code());
        assertEquals(false, Work.exactFp32);
        assertEquals(0, run("nested", "--device", "cpu").code());
        assertEquals("1 cpu", Work.seen);
        assertOneLine(2, "error: --threads -1: use 0 (one per core) or a positive number; see 'tool nested --help'",
                "nested", "--threads", "-1");
        assertOneLine(2, "error: --device gpu:x: expected gpu:N with a GPU number N >= 0, e.g. gpu:1; see 'tool nested "
                + "--help'", "nested", "--device", "gpu:x");
    }

    @Test
    void verboseWorksBeforeAndAfterTheCommand() {
        assertEquals(0, run("--verbose", "work").code());
        assertEquals(0, run("work", "-v").code());
        assertTrue(VerboseOption.requested("work", "--verbose"));
        assertTrue(VerboseOption.requested("-v", "work"));
        assertEquals(false, VerboseOption.requested("work", "--", "-v"));
    }

    @Test
    void failuresOfTheWorkAreOneLine() {
        assertOneLine(2, "error: --fail user: what the user did wrong", "work", "--fail", "user");
        assertOneLine(1, "error: the real cause (--verbose shows the stack trace)", "work", "--fail", "bug");
        Result verbose = run("work", "--fail", "bug", "--verbose");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().startsWith("error: the real cause" + System.lineSeparator()
                + "java.lang.IllegalStateException: wrapped"), verbose.err());
    }

    @Test
    void helpShowsEachCommandsThreadDefault() {
        StringWriter out = new StringWriter();
        CommandLine cl = OneLineErrors.install(new CommandLine(new Tool()));
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("work", "--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("0 = one per core (default: 1)"), help);
        assertTrue(help.contains("gpu or gpu:N (default: auto)"), help);
    }
}
