package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The commands the documentation shows, checked without running them (fast, in the test phase): every
 * {@code java -jar} and {@code flink run} command of the two READMEs parses with its program's own picocli
 * definition (a renamed or removed flag fails here), every {@code mvn -pl} command anywhere in the docs also
 * builds the modules it needs ({@code -am}) unless the text says to {@code install} first, and both READMEs
 * build the same way. {@code DocumentedCommandsIT} runs the ones that finish in seconds.
 */
class DocumentedCommandsTest {
  static final List<String> READMES = List.of("README.md", "pipeline/README.md");
  /** The jars the READMEs run, and the class each one's manifest names. */
  static final Map<String, String> JARS = Map.of(
      "training/target/condensenet-training.jar", Cli.TRAINING_CLI,
      "pipeline/target/condensenet-pipeline.jar", Cli.PIPELINE_CLI);

  static List<DocumentedCommands.Command> readmeCommands() {
    List<DocumentedCommands.Command> all = new ArrayList<>();
    for (String doc : READMES) {
      all.addAll(DocumentedCommands.of(DeployFiles.root().resolve(doc)));
    }
    return all;
  }

  @Test
  void everyJavaJarCommandOfTheReadmesParses() {
    int checked = 0;
    for (DocumentedCommands.Command c : readmeCommands()) {
      if (!c.isJavaJar()) {
        continue;
      }
      assertTrue(JARS.containsKey(c.jar()), c + ": not a jar the build writes " + JARS.keySet());
      CommandLine cl = new CommandLine(Cli.required(JARS.get(c.jar())));
      CommandLine.ParseResult parsed;
      try {
        parsed = cl.parseArgs(c.args().toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError(c + ": " + e.getMessage(), e);
      }
      assertTrue(parsed.hasSubcommand(), c + ": names no command");
      Cli.validate(parsed.subcommand());
      checked++;
    }
    assertTrue(checked >= 10, "the READMEs show " + checked + " java -jar commands; the parser lost them?");
  }

  @Test
  void flinkRunCommandsParseWithTheJobsEntryClass() {
    int checked = 0;
    for (DocumentedCommands.Command c : readmeCommands()) {
      List<String> w = c.words();
      if (w.size() < 2 || !w.get(0).equals("flink") || !w.get(1).equals("run")) {
        continue;
      }
      int jar = w.indexOf("pipeline/target/condensenet-pipeline-job.jar");
      assertTrue(jar > 1, c + ": flink run of another jar");
      Cli.parseCommand(Cli.required(Cli.JOB_MAIN), w.subList(jar + 1, w.size()));
      checked++;
    }
    assertTrue(checked >= 1, "pipeline/README.md shows how to submit the job with flink run");
  }

  @Test
  void mavenCommandsWorkFromAFreshClone() throws IOException {
    List<Path> docs;
    try (Stream<Path> s = Files.walk(DeployFiles.root(), 3)) {
      docs = s.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/")
          && !p.toString().contains("/node_modules/") && !p.toString().contains("/.git/")).sorted().toList();
    }
    List<String> wrong = new ArrayList<>();
    for (Path doc : docs) {
      for (DocumentedCommands.Command c : DocumentedCommands.of(doc)) {
        List<String> w = c.words();
        boolean selects = w.contains("-pl") || w.contains("--projects");
        boolean alsoMakes = w.contains("-am") || w.contains("--also-make");
        String before = c.textBefore();
        boolean installedFirst = before.substring(Math.max(0, before.length() - 300)).contains("install");
        if (c.isMaven() && selects && !alsoMakes && !installedFirst) {
          wrong.add(c.toString());
        }
      }
    }
    assertEquals(List.of(), wrong, "with -pl and without -am Maven takes the other modules from ~/.m2, where a "
        + "fresh clone has none: add -am (or say to install first)");
  }

  @Test
  void bothReadmesBuildTheSameWay() {
    List<String> builds = new ArrayList<>();
    for (String doc : READMES) {
      builds.add(DocumentedCommands.of(DeployFiles.root().resolve(doc)).stream()
          .filter(DocumentedCommands.Command::isMaven).findFirst().orElseThrow().text());
    }
    assertEquals(builds.get(0), builds.get(1), "README.md and pipeline/README.md build differently");
    assertFalse(builds.get(0).contains("install"), "the user's build needs no install into ~/.m2");
  }
}
