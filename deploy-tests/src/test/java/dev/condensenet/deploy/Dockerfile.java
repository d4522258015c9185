package dev.condensenet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Dockerfile read into stages and instructions: enough to check COPY sources, stage references, users
 * and environment without a Docker engine. Handles comments, line continuations and the
 * {@code FROM ${ARG}} stage selection that the build-argument variants use.
 */
record Dockerfile(Map<String, String> args, List<Stage> stages) {

  record Instruction(String keyword, String rest) {
    /** Whitespace-separated words, flags such as --chown=... removed. */
    List<String> operands() {
      return Arrays.stream(rest.trim().split("\\s+")).filter(w -> !w.startsWith("--")).toList();
    }

    String option(String name) {
      for (String w : rest.trim().split("\\s+")) {
        if (w.startsWith("--" + name + "=")) {
          return w.substring(name.length() + 3);
        }
      }
      return null;
    }
  }

  record Stage(String base, String name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }
  }

  static Dockerfile read(Path file) {
    List<String> logical = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.trim().startsWith("#")) {
          continue;
        }
        if (line.endsWith("\\")) {
          current.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        current.append(line);
        if (!current.toString().isBlank()) {
          logical.add(current.toString().trim());
        }
        current.setLength(0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> globalArgs = new HashMap<>();
    List<Stage> stages = new ArrayList<>();
    for (String l : logical) {
      String[] kw = l.split("\\s+", 2);
      Instruction in = new Instruction(kw[0].toUpperCase(), kw.length > 1 ? kw[1] : "");
      if (in.keyword().equals("FROM")) {
        List<String> w = in.operands();
        stages.add(new Stage(w.get(0), w.size() >= 3 && w.get(1).equalsIgnoreCase("AS") ? w.get(2) : null, new ArrayList<>()));
      } else if (stages.isEmpty()) {
        if (in.keyword().equals("ARG")) {
          String[] kv = in.rest().split("=", 2);
          globalArgs.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
        }
      } else {
        stages.get(stages.size() - 1).instructions().add(in);
      }
    }
    return new Dockerfile(globalArgs, stages);
  }

  Stage stage(String name) {
    return stages.stream().filter(s -> name.equals(s.name())).findFirst().orElse(null);
  }

  /** The chain of stages the default target (the last stage) is built from, for given build arguments. */
  List<Stage> chain(Map<String, String> buildArgs) {
    return chain(stages.get(stages.size() - 1).name(), buildArgs);
  }

  /** The chain of stages a build target is built from (last = the image), base images resolved with ARGs. */
  List<Stage> chain(String target, Map<String, String> buildArgs) {
    List<Stage> chain = new ArrayList<>();
    Stage s = stage(target);
    if (s == null) {
      throw new AssertionError("no stage " + target);
    }
    while (s != null) {
      chain.add(0, s);
      s = stage(resolve(s.base(), buildArgs));
    }
    return chain;
  }

  /** A FROM operand with the global ARGs substituted (build arguments over defaults). */
  String resolve(String base, Map<String, String> buildArgs) {
    for (Map.Entry<String, String> a : args.entrySet()) {
      base = base.replace("${" + a.getKey() + "}", buildArgs.getOrDefault(a.getKey(), a.getValue()));
    }
    return base;
  }

  /** The last value of an instruction along a chain of stages (e.g. the USER the image runs as). */
  static String last(List<Stage> chain, String keyword) {
    String value = null;
    for (Stage s : chain) {
      for (Instruction i : s.all(keyword)) {
        value = i.rest().trim();
      }
    }
    return value;
  }
}
