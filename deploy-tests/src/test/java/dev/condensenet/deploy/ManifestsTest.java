package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condensenet.deploy.DeployFiles.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every file under k8s/ and docker/*.yaml parses, and every Kubernetes object is valid for its kind. */
class ManifestsTest {

  @Test
  void everyYamlFileParsesIntoObjectsWithKindAndName() {
    List<Path> files = new ArrayList<>(DeployFiles.yamlFiles(DeployFiles.k8s()));
    files.addAll(DeployFiles.yamlFiles(DeployFiles.docker()));
    assertTrue(files.size() >= 10, "expected the k8s/ and docker/ manifests, found " + files);
    for (Path f : files) {
      List<JsonNode> docs = DeployFiles.readYaml(f);
      assertFalse(docs.isEmpty(), f + " has no documents");
      boolean jsonPatch = f.startsWith(DeployFiles.k8s().resolve("overlays")) && !f.endsWith("kustomization.yaml");
      for (JsonNode d : docs) {
        if (jsonPatch) { // RFC 6902 operations
          assertTrue(d.isArray(), f + ": a JSON patch is a list of operations");
          d.forEach(op -> assertTrue(op.has("op") && op.has("path"), f + ": " + op));
        } else {
          assertTrue(d.isObject(), f + ": a document is not a mapping");
        }
      }
    }
    for (Manifest m : DeployFiles.k8sObjects()) {
      assertFalse(m.apiVersion().isEmpty(), m.source() + ": apiVersion");
      assertFalse(m.kind().isEmpty(), m.source() + ": kind");
      assertTrue(m.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), m.source() + ": metadata.name " + m.name());
    }
  }

  @Test
  void kustomizationListsEveryManifestExactlyOnce() {
    JsonNode k = DeployFiles.readYaml(DeployFiles.k8s().resolve("base/kustomization.yaml")).get(0);
    assertEquals("kustomize.config.k8s.io/v1beta1", k.path("apiVersion").asText());
    assertEquals("Kustomization", k.path("kind").asText());
    List<String> listed = new ArrayList<>();
    k.path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> onDisk = new TreeSet<>();
    Path base = DeployFiles.k8s().resolve("base");
    for (Path f : DeployFiles.yamlFiles(base)) {
      if (!DeployFiles.KUSTOMIZE_FILES.contains(f.getFileName().toString())) {
        onDisk.add(base.relativize(f).toString());
      }
    }
    assertEquals(listed.size(), new TreeSet<>(listed).size(), "a resource is listed twice: " + listed);
    assertEquals(onDisk, new TreeSet<>(listed), "kustomization.yaml resources vs files under k8s/");
  }

  /**
   * Kinds with no CRD schema in the project (no schema from an allowed source: neither Strimzi's KafkaUser CRD
   * nor the Prometheus Operator's are on Maven Central or in shared/schemas). Checked instead by
   * OverlaysTest (KafkaUser ACLs are Kafka's operations and resources, the PodMonitor's port exists on both
   * Flink pods) and by the container tier (every metric the rules and the dashboard use is exported by the job).
   */
  static final Set<String> CHECKED_WITHOUT_SCHEMA = Set.of("kafka.strimzi.io/v1 KafkaUser",
      "monitoring.coreos.com/v1 PodMonitor", "monitoring.coreos.com/v1 PrometheusRule");

  @Test
  void everyObjectIsACrdKindOrAKnownCoreKind() {
    for (Manifest m : DeployFiles.k8sObjects()) {
      assertTrue(CrdSchemas.covers(m.apiVersion(), m.kind()) || StrictModel.covers(m.apiVersion(), m.kind())
          || CHECKED_WITHOUT_SCHEMA.contains(m.apiVersion() + " " + m.kind()),
          m.source() + ": " + m.apiVersion() + " " + m.kind() + " is checked by neither a CRD schema nor the typed model");
    }
  }

  @Test
  void customResourcesValidateAgainstTheirCrdsWithUnknownFieldsRejected() throws Exception {
    int checked = 0;
    for (Manifest m : DeployFiles.k8sObjects()) {
      if (!CrdSchemas.covers(m.apiVersion(), m.kind())) {
        continue;
      }
      List<String> errors = CrdSchemas.validate(m.doc());
      assertTrue(errors.isEmpty(), m.source() + " (" + m.kind() + "):\n  " + String.join("\n  ", errors));
      StrictModel.metadata(m.doc().path("metadata")); // the API server validates metadata as ObjectMeta
      checked++;
    }
    // FlinkDeployment, Kafka, KafkaNodePool and three KafkaTopics.
    assertTrue(checked >= 6, "custom resources checked: " + checked);
    Set<String> kinds = new TreeSet<>();
    DeployFiles.k8sObjects().forEach(m -> kinds.add(m.kind()));
    assertTrue(kinds.containsAll(Set.of("FlinkDeployment", "Kafka", "KafkaNodePool", "KafkaTopic")), kinds.toString());
  }

  @Test
  void coreObjectsParseWithTheStrictTypedModel() {
    int checked = 0;
    for (Manifest m : DeployFiles.k8sObjects()) {
      if (!StrictModel.covers(m.apiVersion(), m.kind())) {
        continue;
      }
      try {
        StrictModel.parse(m.doc());
      } catch (Exception e) {
        fail(m.source() + " (" + m.kind() + "): " + e.getMessage());
      }
      checked++;
    }
    assertTrue(checked >= 7, "core objects checked: " + checked);
  }

  @Test
  void flinkPodTemplatesAreValidPodTemplates() throws Exception {
    JsonNode spec = DeployFiles.only("FlinkDeployment").doc().path("spec");
    assertFalse(spec.path("podTemplate").isMissingNode(), "pod template missing");
    StrictModel.podTemplate(spec.path("podTemplate"));
    for (String role : List.of("jobManager", "taskManager")) { // the overlays add these (OverlaysTest)
      if (spec.path(role).has("podTemplate")) {
        StrictModel.podTemplate(spec.path(role).path("podTemplate"));
      }
    }
  }
}
