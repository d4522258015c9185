package dev.condensenet.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Locates the repository's deployment files and reads YAML into Jackson trees.
 *
 * <p>YAML is parsed with snakeyaml-engine (already on the classpath through Flink, which parses its
 * config.yaml with it) and rejects duplicate keys, as {@code kubectl apply} with strict field validation
 * does; the result becomes a Jackson tree so schema and typed-model checks see exactly what was parsed.
 */
final class DeployFiles {
  static final ObjectMapper JSON = new ObjectMapper();

  private DeployFiles() {}

  /** The repository root: the tests run in deploy-tests/, the manifests live next to it. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pipeline/pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + dir);
  }

  static Path k8s() {
    return root().resolve("k8s");
  }

  static Path docker() {
    return root().resolve("docker");
  }

  /** Every YAML file under a folder, sorted, so failures name files in a stable order. */
  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> readYaml(Path file) {
    try {
      return parseYaml(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All documents of a (multi-document) YAML text; empty documents are skipped like kubectl does. */
  static List<JsonNode> parseYaml(String text) {
    LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).build();
    List<JsonNode> docs = new ArrayList<>();
    for (Object doc : new Load(settings).loadAllFromString(text)) {
      if (doc != null) {
        docs.add(JSON.valueToTree(doc));
      }
    }
    return docs;
  }

  /** Every Kubernetes object under k8s/ (kustomization.yaml is kustomize's file, not an object). */
  static List<Manifest> k8sObjects() {
    List<Manifest> out = new ArrayList<>();
    for (Path f : yamlFiles(k8s())) {
      if (f.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      int i = 0;
      for (JsonNode doc : readYaml(f)) {
        out.add(new Manifest(root().relativize(f) + "#" + i++, doc));
      }
    }
    return out;
  }

  static List<Manifest> ofKind(String kind) {
    return k8sObjects().stream().filter(m -> m.kind().equals(kind)).toList();
  }

  static Manifest only(String kind) {
    List<Manifest> all = ofKind(kind);
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one " + kind + " under k8s/, found " + all.size());
    }
    return all.get(0);
  }

  /** One Kubernetes object and where it came from (file#document). */
  record Manifest(String source, JsonNode doc) {
    String kind() {
      return doc.path("kind").asText();
    }

    String apiVersion() {
      return doc.path("apiVersion").asText();
    }

    String name() {
      return doc.path("metadata").path("name").asText();
    }
  }
}
