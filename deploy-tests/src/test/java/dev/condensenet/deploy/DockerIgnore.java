package dev.condensenet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * .dockerignore semantics as the Docker CLI applies them: patterns are matched against paths relative to
 * the context root (and against each parent folder of a path), {@code !} re-includes, and the last
 * matching line wins. Glob syntax differences that the project's file does not use are not modelled.
 */
record DockerIgnore(List<String> patterns) {

  static DockerIgnore read(Path file) {
    try {
      List<String> p = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          p.add(t);
        }
      }
      return new DockerIgnore(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a file or folder (relative path, forward slashes) is sent to the build. */
  boolean included(String path) {
    boolean excluded = false;
    for (String line : patterns) {
      boolean negate = line.startsWith("!");
      String pattern = (negate ? line.substring(1) : line).replaceAll("/+$", "");
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      for (Path p = Path.of(path); p != null; p = p.getParent()) {
        if (m.matches(p)) {
          excluded = !negate;
          break;
        }
      }
    }
    return !excluded;
  }
}
