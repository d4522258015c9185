package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The command lines that the manifests pass to the project's programs, parsed by the programs' own picocli
 * definitions: an unknown flag, a missing required flag or a value of the wrong type fails here instead of
 * in a pod's crash loop. Parsing runs nothing.
 */
final class Cli {
  static final String PIPELINE_CLI = "dev.condensenet.pipeline.cli.PipelineCli";
  static final String JOB_MAIN = "dev.condensenet.pipeline.cli.JobMain";
  static final String TRAINING_CLI = "dev.condensenet.training.cli.Main";

  private Cli() {}

  /** The class; both command lines are test dependencies of this module, so a missing class is a failure. */
  static Class<?> required(String className) {
    Class<?> c = load(className);
    assertNotNull(c, className + " is not on the classpath: the manifests name a class the build does not have");
    return c;
  }

  static Class<?> load(String className) {
    try {
      return Class.forName(className, false, Cli.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  static void assertHasMain(Class<?> c) throws NoSuchMethodException {
    Method main = c.getMethod("main", String[].class);
    if (!Modifier.isStatic(main.getModifiers())) {
      throw new AssertionError(c.getName() + ".main is not static");
    }
  }

  /**
   * Parses the arguments of a top-level command (the job's entry class is one) and runs the checks its
   * options declare beyond picocli: a public no-argument {@code validate()} on the command or a mixin.
   */
  static ParseResult parseCommand(Class<?> command, List<String> args) {
    ParseResult result = new CommandLine(command).parseArgs(args.toArray(String[]::new));
    validate(result);
    return result;
  }

  static void validate(ParseResult result) {
    List<Object> targets = new ArrayList<>();
    targets.add(result.commandSpec().userObject());
    result.commandSpec().mixins().values().forEach(m -> targets.add(m.userObject()));
    for (Object t : targets) {
      try {
        Method validate = t.getClass().getMethod("validate");
        if (validate.getParameterCount() == 0) {
          validate.invoke(t);
        }
      } catch (NoSuchMethodException e) {
        // nothing beyond picocli to check
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("validate() rejected the arguments: " + e.getCause(), e.getCause());
      }
    }
  }

  /** Parses {@code subcommand args...} with the CLI class's picocli spec; returns the subcommand's result. */
  static ParseResult parse(Class<?> cli, String subcommand, List<String> args) {
    CommandLine cl = new CommandLine(cli);
    assertTrue(cl.getSubcommands().containsKey(subcommand), cli.getName() + " has no '" + subcommand
        + "' subcommand (it has " + cl.getSubcommands().keySet() + ")");
    List<String> all = new ArrayList<>();
    all.add(subcommand);
    all.addAll(args);
    ParseResult result = cl.parseArgs(all.toArray(String[]::new));
    if (!result.hasSubcommand()) {
      throw new AssertionError("no subcommand parsed from " + all);
    }
    validate(result.subcommand());
    return result.subcommand();
  }
}
