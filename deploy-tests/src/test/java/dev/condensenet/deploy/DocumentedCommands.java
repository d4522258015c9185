package dev.condensenet.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands a Markdown document shows: lines of fenced code blocks (a leading {@code $ } prompt removed,
 * {@code \} continuations joined, {@code &&} chains split, trailing {@code # comments} and {@code &} dropped)
 * and inline code spans that start with {@code mvn}. What a user copies is what is checked.
 */
final class DocumentedCommands {
  private static final Pattern INLINE_MVN = Pattern.compile("`(mvn [^`]*)`");

  /** One command as a user would type it, where it stands, and the document text before it. */
  record Command(Path doc, int line, String text, List<String> words, String textBefore) {
    boolean isJavaJar() {
      return words.size() >= 3 && words.get(0).equals("java") && words.get(1).equals("-jar");
    }

    String jar() {
      return words.get(2);
    }

    List<String> args() {
      return words.subList(3, words.size());
    }

    boolean isMaven() {
      return !words.isEmpty() && words.get(0).equals("mvn");
    }

    @Override
    public String toString() {
      return DeployFiles.root().relativize(doc) + ":" + line + ": " + text;
    }
  }

  /** A console block's command and the lines it shows as output (up to the next prompt or the block's end). */
  record Console(Command command, List<String> output) {}

  private DocumentedCommands() {}

  /** Every command of the document's code blocks and inline {@code mvn} spans, in document order. */
  static List<Command> of(Path doc) {
    List<String> lines = read(doc);
    List<Command> out = new ArrayList<>();
    boolean inBlock = false;
    StringBuilder before = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i);
      if (raw.strip().startsWith("```")) {
        inBlock = !inBlock;
        continue;
      }
      if (!inBlock) {
        Matcher m = INLINE_MVN.matcher(raw);
        while (m.find()) {
          out.add(command(doc, i + 1, m.group(1), before + raw.substring(0, m.start())));
        }
        before.append(raw).append('\n');
        continue;
      }
      String line = raw.strip();
      int first = i;
      while (line.endsWith("\\") && i + 1 < lines.size()) {
        line = line.substring(0, line.length() - 1) + " " + lines.get(++i).strip();
      }
      if (line.startsWith("$ ")) {
        line = line.substring(2);
      }
      for (String part : line.split("&&")) {
        String c = stripComment(part).strip();
        if (c.endsWith("&")) {
          c = c.substring(0, c.length() - 1).strip();
        }
        if (!c.isEmpty()) {
          out.add(command(doc, first + 1, c, before.toString()));
        }
      }
      before.append(raw).append('\n');
    }
    return out;
  }

  /** The {@code $ command} lines of console blocks with the output the document shows under each. */
  static List<Console> consoles(Path doc) {
    List<String> lines = read(doc);
    List<Console> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```console")) {
        continue;
      }
      for (int j = i + 1; j < lines.size() && !lines.get(j).strip().startsWith("```"); j++) {
        if (lines.get(j).startsWith("$ ")) {
          List<String> shown = new ArrayList<>();
          int k = j + 1;
          for (; k < lines.size() && !lines.get(k).startsWith("$ ") && !lines.get(k).strip().startsWith("```"); k++) {
            shown.add(lines.get(k));
          }
          out.add(new Console(command(doc, j + 1, lines.get(j).substring(2).strip(), ""), shown));
          j = k - 1;
        }
      }
    }
    return out;
  }

  private static Command command(Path doc, int line, String text, String before) {
    return new Command(doc, line, text, words(text), before);
  }

  private static String stripComment(String s) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
        return s.substring(0, i);
      }
    }
    return s;
  }

  /** Shell words: whitespace separates, quotes group (and are removed). */
  static List<String> words(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean any = false;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || w.length() > 0) {
          words.add(w.toString());
          w.setLength(0);
          any = false;
        }
      } else {
        w.append(c);
      }
    }
    if (any || w.length() > 0) {
      words.add(w.toString());
    }
    return words;
  }

  private static List<String> read(Path doc) {
    try {
      return Files.readAllLines(doc);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + doc, e);
    }
  }
}
