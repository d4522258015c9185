package dev.condensenet.deploy;

import static dev.condensenet.deploy.KubernetesCrossCheckTest.flag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condensenet.deploy.DeployFiles.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What `kubectl kustomize k8s/overlays/NAME` renders: valid objects, and the GPU and autoscaler settings agree. */
class OverlaysTest {

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu", "autoscaler"})
  void everyRenderedObjectValidates(String overlay) throws Exception {
    List<Manifest> objects = DeployFiles.rendered(overlay);
    Set<String> kinds = new TreeSet<>();
    for (Manifest m : objects) {
      kinds.add(m.kind());
      assertEquals("condensenet", m.doc().at("/metadata/namespace").asText(m.kind().equals("Namespace") ? "condensenet" : ""),
          m.source() + " " + m.kind() + " namespace");
      if (CrdSchemas.covers(m.apiVersion(), m.kind())) {
        List<String> errors = CrdSchemas.validate(m.doc());
        assertTrue(errors.isEmpty(), m.source() + " (" + m.kind() + "):\n  " + String.join("\n  ", errors));
        StrictModel.metadata(m.doc().path("metadata"));
      } else if (StrictModel.covers(m.apiVersion(), m.kind())) {
        StrictModel.parse(m.doc());
      } else {
        assertTrue(ManifestsTest.CHECKED_WITHOUT_SCHEMA.contains(m.apiVersion() + " " + m.kind()), m.source() + " " + m.kind());
      }
    }
    JsonNode spec = DeployFiles.rendered(overlay, "FlinkDeployment").doc().path("spec");
    StrictModel.podTemplate(spec.path("podTemplate"));
    for (String role : List.of("jobManager", "taskManager")) {
      if (spec.path(role).has("podTemplate")) {
        StrictModel.podTemplate(spec.path(role).path("podTemplate"));
      }
    }
    spec.path("flinkConfiguration").fieldNames().forEachRemaining(k -> assertEquals(null, FlinkOptions.problem(k), k));
    assertTrue(kinds.containsAll(Set.of("FlinkDeployment", "Kafka", "KafkaUser", "PodMonitor", "PrometheusRule", "ConfigMap")), kinds.toString());
    // Every pipeline container runs the image the FlinkDeployment runs (kustomize's images: reaches them all).
    for (JsonNode c : spec.at("/podTemplate/spec/initContainers")) {
      assertEquals(spec.path("image").asText(), c.path("image").asText(), c.path("name").asText());
    }
  }

  static List<String> args(JsonNode spec) {
    List<String> args = new ArrayList<>();
    spec.at("/job/args").forEach(a -> args.add(a.asText()));
    return args;
  }

  @Test
  void cpuRunsTheCpuImageOnTheCpu() {
    JsonNode spec = DeployFiles.rendered("cpu", "FlinkDeployment").doc().path("spec");
    assertEquals("condensenet/pipeline:0.1.0", spec.path("image").asText());
    assertEquals("cpu", flag(args(spec), "--device"));
    assertFalse(spec.toString().contains("nvidia.com/gpu"), "no GPU request on a CPU cluster");
  }

  @Test
  void gpuOverlayGivesEachTaskManagerOneGpuAndRunsWithDeviceGpu() {
    JsonNode spec = DeployFiles.rendered("gpu", "FlinkDeployment").doc().path("spec");
    JsonNode conf = spec.path("flinkConfiguration");
    assertTrue(spec.path("image").asText().endsWith("-gpu"), "the GPU image (docker build --target gpu)");
    assertEquals("gpu", flag(args(spec), "--device"), "a TaskManager without a GPU must fail, not run on the CPU");
    assertTrue(conf.path("external-resources").asText().matches("(.*;)?gpu(;.*)?"));
    assertEquals("nvidia.com/gpu", conf.path("external-resource.gpu.kubernetes.config-key").asText());
    assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory", conf.path("external-resource.gpu.driver-factory.class").asText());
    JsonNode tm = spec.at("/taskManager/podTemplate/spec");
    assertEquals("flink-main-container", tm.at("/containers/0/name").asText());
    assertEquals(conf.path("external-resource.gpu.amount").asText(), tm.at("/containers/0/resources/limits/nvidia.com~1gpu").asText());
    assertEquals("1", conf.path("taskmanager.numberOfTaskSlots").asText(), "one subtask per GPU");
    assertEquals("nvidia.com/gpu", tm.at("/tolerations/0/key").asText());
    assertTrue(tm.at("/affinity/nodeAffinity").toString().contains("nvidia.com/gpu.present"), "GPU nodes only");
    // NVIDIA_VISIBLE_DEVICES comes to TaskManagers from the device plugin; the JobManager is kept off GPUs.
    assertFalse(tm.toString().contains("NVIDIA_VISIBLE_DEVICES"));
    assertEquals("void", spec.at("/jobManager/podTemplate/spec/containers/0/env/0/value").asText());
    assertEquals("NVIDIA_VISIBLE_DEVICES", spec.at("/jobManager/podTemplate/spec/containers/0/env/0/name").asText());
    JsonNode train = DeployFiles.rendered("gpu", "Job").doc().at("/spec/template/spec");
    assertEquals("1", train.at("/containers/0/resources/limits/nvidia.com~1gpu").asText());
    assertEquals("gpu", train.at("/containers/0/env/0/value").asText());
  }

  @Test
  void autoscalerIsBoundedByTheFramesPartitions() {
    JsonNode conf = DeployFiles.rendered("autoscaler", "FlinkDeployment").doc().at("/spec/flinkConfiguration");
    assertEquals("adaptive", conf.path("jobmanager.scheduler").asText());
    assertEquals("true", conf.path("job.autoscaler.enabled").asText());
    int partitions = DeployFiles.rendered("autoscaler").stream().filter(m -> m.kind().equals("KafkaTopic") && m.name().equals("frames"))
        .findFirst().orElseThrow().doc().at("/spec/partitions").asInt();
    int max = conf.path("job.autoscaler.vertex.max-parallelism").asInt();
    assertTrue(max >= 1 && max <= partitions, "autoscaler max " + max + " vs " + partitions + " frames partitions");
    assertTrue(conf.path("pipeline.max-parallelism").asInt() >= max, "key groups for the largest scale");
  }

  @Test
  void nvidiaRuntimeClassComponentRendersOnTheGpuOverlay() throws Exception {
    java.nio.file.Path dir = DeployFiles.root().resolve("target/kustomize-gpu-runtime-class");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Path k8s = DeployFiles.k8s();
    java.nio.file.Files.writeString(dir.resolve("kustomization.yaml"), String.join("\n",
        "apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization",
        "resources: [" + dir.relativize(k8s.resolve("overlays/gpu")) + "]",
        "components: [" + dir.relativize(k8s.resolve("components/nvidia-runtime-class")) + "]", ""));
    String out = Kubectl.kustomize(dir);
    List<JsonNode> docs = DeployFiles.parseYaml(out);
    JsonNode fd = docs.stream().filter(d -> d.path("kind").asText().equals("FlinkDeployment")).findFirst().orElseThrow();
    assertEquals("nvidia", fd.at("/spec/taskManager/podTemplate/spec/runtimeClassName").asText());
    assertTrue(CrdSchemas.validate(fd).isEmpty());
  }

  @Test
  void kafkaUserAclsAreKafkaOperationsOnTheJobsTopics() {
    JsonNode acls = DeployFiles.only("KafkaUser").doc().at("/spec/authorization/acls");
    Set<String> topics = new TreeSet<>();
    for (JsonNode acl : acls) {
      String type = acl.at("/resource/type").asText();
      assertTrue(ResourceType.fromString(type.replaceAll("([a-z])([A-Z])", "$1_$2")) != ResourceType.UNKNOWN, type);
      acl.path("operations").forEach(op -> assertTrue(AclOperation.fromString(op.asText().replaceAll("([a-z])([A-Z])", "$1_$2"))
          != AclOperation.UNKNOWN, op.asText()));
      if (type.equals("topic")) {
        topics.add(acl.at("/resource/name").asText());
      }
    }
    List<String> job = KubernetesCrossCheckTest.jobArgs();
    assertEquals(new TreeSet<>(List.of(flag(job, "--input-topic"), flag(job, "--output-topic"), flag(job, "--dlq-topic"))), topics);
    assertEquals("scram-sha-512", DeployFiles.only("KafkaUser").doc().at("/spec/authentication/type").asText());
  }
}
