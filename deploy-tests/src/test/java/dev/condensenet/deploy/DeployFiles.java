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

  /** The overlays a user applies (k8s/overlays/NAME); each is rendered and checked by {@link OverlaysTest}. */
  static final List<String> OVERLAYS = List.of("cpu", "gpu", "autoscaler");

  /** kustomize's own files, not Kubernetes objects. */
  static final java.util.Set<String> KUSTOMIZE_FILES = java.util.Set.of("kustomization.yaml", "kustomizeconfig.yaml");

  /**
   * Every Kubernetes object of k8s/base as written (the overlays hold JSON patches, not objects): what every
   * overlay starts from. What an overlay makes of it is {@link #rendered}.
   */
  static List<Manifest> k8sObjects() {
    List<Manifest> out = new ArrayList<>();
    for (Path f : yamlFiles(k8s().resolve("base"))) {
      if (KUSTOMIZE_FILES.contains(f.getFileName().toString())) {
        continue;
      }
      int i = 0;
      for (JsonNode doc : readYaml(f)) {
        out.add(new Manifest(root().relativize(f) + "#" + i++, doc));
      }
    }
    return out;
  }

  private static final java.util.Map<String, List<Manifest>> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The objects `kubectl kustomize k8s/overlays/NAME` renders, which is what `kubectl apply -k` sends. kubectl
   * is part of the CI machine; elsewhere a missing kubectl skips the check with that reason (under CI=true it
   * fails, so the check cannot silently disappear there).
   */
  static List<Manifest> rendered(String overlay) {
    return RENDERED.computeIfAbsent(overlay, o -> {
      String out = Kubectl.kustomize(k8s().resolve("overlays").resolve(o));
      List<Manifest> objects = new ArrayList<>();
      int i = 0;
      for (JsonNode doc : parseYaml(out)) {
        objects.add(new Manifest("overlays/" + o + "#" + i++, doc));
      }
      return objects;
    });
  }

  static Manifest rendered(String overlay, String kind) {
    List<Manifest> all = rendered(overlay).stream().filter(m -> m.kind().equals(kind)).toList();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one " + kind + " in overlay " + overlay + ", found " + all.size());
    }
    return all.get(0);
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
