package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The READMEs' commands that finish in seconds, run as a user runs them: {@code java -jar} on the jars the
 * package phase wrote, from the repository root, each in its own JVM. They must exit 0, and a console block's
 * output must be what the command prints. Also the real {@code main} of both jars where no test can call
 * {@code execute}: without a command, and {@code demo} outside the repository.
 */
@EnabledIfSystemProperty(named = "condensenet.phase", matches = "integration-test",
        disabledReason = "needs the jars of the package phase: runs in integration-test")
class DocumentedCommandsIT {
  private static final long TIMEOUT_S = 240;

  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  /** {@code java -jar JAR ARGS} in {@code dir}, with this JVM's java and no extra flags. */
  Run java(Path dir, String jar, List<String> args) throws Exception {
    Path jarFile = DeployFiles.root().resolve(jar);
    assertTrue(Files.isRegularFile(jarFile), jarFile + " is missing after the package phase");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        jarFile.toString()));
    cmd.addAll(args);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", args) + " did not finish in " + TIMEOUT_S + " s; stderr:\n"
          + read(err));
    }
    return new Run(p.exitValue(), read(out), read(err));
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  /** The commands that finish in seconds: model info, the demo with --limit, the bench's smoke test. */
  static boolean finishesInSeconds(DocumentedCommands.Command c) {
    List<String> a = c.args();
    return switch (a.isEmpty() ? "" : a.get(0)) {
      case "info", "--help", "--version" -> true;
      case "demo" -> a.contains("--limit");
      case "bench" -> c.jar().startsWith("pipeline/") && a.contains("--frames") && a.contains("--batch-sizes");
      default -> false;
    };
  }

  @Test
  void theReadmesQuickCommandsRunAndPrintWhatTheyShow() throws Exception {
    List<String> ran = new ArrayList<>();
    for (DocumentedCommands.Command c : DocumentedCommandsTest.readmeCommands()) {
      if (!c.isJavaJar() || !finishesInSeconds(c)) {
        continue;
      }
      Run r = java(DeployFiles.root(), c.jar(), c.args());
      assertEquals(0, r.code(), c + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err());
      ran.add(c.args().get(0));
    }
    assertTrue(ran.contains("info") && ran.contains("demo") && ran.contains("bench"),
        "the READMEs keep a quick info, demo --limit and small bench to try (ran " + ran + ")");
    for (String doc : DocumentedCommandsTest.READMES) {
      for (DocumentedCommands.Console console : DocumentedCommands.consoles(DeployFiles.root().resolve(doc))) {
        Run r = java(DeployFiles.root(), console.command().jar(), console.command().args());
        assertEquals(console.output(), r.out().lines().toList(), console.command() + ": the README shows other output");
      }
    }
  }

  @Test
  void bothJarsWithoutACommandAreAUsageError() throws Exception {
    Run training = java(DeployFiles.root(), "training/target/condensenet-training.jar", List.of());
    assertEquals(2, training.code());
    assertEquals(List.of("error: choose a command: info, verify-conversion, train, eval, condense, samples, bench, export-onnx; "
        + "see 'condensenet-training --help'"), training.err().lines().toList());
    Run pipeline = java(DeployFiles.root(), "pipeline/target/condensenet-pipeline.jar", List.of());
    assertEquals(2, pipeline.code());
    assertEquals(List.of("error: choose a command: demo, run, produce, consume, broker, bench, logit-diff; see "
        + "'condensenet-pipeline --help'"), pipeline.err().lines().toList());
  }

  @Test
  void demoOutsideTheRepositorySaysWhereItLookedAndWhichFlagToPass() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Run r = java(elsewhere, "pipeline/target/condensenet-pipeline.jar", List.of("demo"));
    assertEquals(List.of("error: no --model given and no model directory in " + elsewhere.resolve("testdata/models")
        + " or " + tmp.resolve("testdata/models") + ": run from the repository root, or pass --model DIR (a "
        + "directory written by condensenet-training train or condense)"), r.err().lines().toList());
    assertEquals(2, r.code());
  }
}
