package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condensenet.deploy.DeployFiles.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kafka.server.KafkaConfig;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.junit.jupiter.api.Test;

/** The k8s/ objects agree with each other, with the pipeline's CLI, and with Flink's and Kafka's options. */
class KubernetesCrossCheckTest {
  static final JsonNode FD = DeployFiles.only("FlinkDeployment").doc();
  static final JsonNode SPEC = FD.path("spec");

  static List<String> jobArgs() {
    List<String> args = new ArrayList<>();
    SPEC.path("job").path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  /** Value of a "--flag value" pair in an argument list (null when absent). */
  static String flag(List<String> args, String name) {
    int i = args.indexOf(name);
    return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
  }

  /** The training CLI invocations in the Job's start script: the words after the jar, one list per line. */
  static List<List<String>> trainingInvocations() {
    JsonNode c = DeployFiles.only("Job").doc().at("/spec/template/spec/containers/0");
    assertEquals("[\"/bin/sh\",\"-ec\"]", c.path("command").toString());
    List<List<String>> runs = new ArrayList<>();
    for (String line : c.at("/args/0").asText().split("\n")) {
      List<String> words = List.of(line.trim().split("\\s+"));
      int jar = words.indexOf("-jar");
      if (jar >= 0) {
        assertEquals(List.of("exec", "java", "-Dai.djl.offline=true"), words.subList(0, jar), line);
        assertEquals(TRAINING_JAR_IN_IMAGE, words.get(jar + 1), "the jar the training image contains");
        runs.add(words.subList(jar + 2, words.size()));
      }
    }
    assertEquals(2, runs.size(), "a resume run and a fresh run");
    return runs;
  }

  static final String TRAINING_JAR_IN_IMAGE = "/opt/condensenet/condensenet-training.jar";

  static String conf(String key) {
    return SPEC.path("flinkConfiguration").path(key).asText(null);
  }

  @Test
  void entryClassAndArgumentsMatchThePipelineCli() throws Exception {
    assertEquals(Cli.JOB_MAIN, SPEC.path("job").path("entryClass").asText());
    assertEquals("local:///opt/flink/usrlib/condensenet-pipeline-job.jar", SPEC.path("job").path("jarURI").asText());
    Class<?> job = Cli.required(Cli.JOB_MAIN);
    Cli.assertHasMain(job);
    JsonNode parsed = DeployFiles.JSON.valueToTree(Cli.parseCommand(job, jobArgs()).matchedOptions().stream()
        .collect(java.util.stream.Collectors.toMap(o -> o.longestName(), o -> String.valueOf((Object) o.getValue()))));
    // Job-level settings override the cluster's: they must agree with flinkConfiguration.
    assertEquals(org.apache.flink.util.TimeUtils.parseDuration(conf("execution.checkpointing.interval")).toMillis(),
        Long.parseLong(parsed.path("--checkpoint-interval").asText()), "--checkpoint-interval vs execution.checkpointing.interval");
  }

  @Test
  void argumentsAlsoParseWithThePipelineCliRunCommand() {
    // The contract: the job jar's entry class takes exactly the flags of `condensenet-pipeline.jar run`.
    Cli.parse(Cli.required(Cli.PIPELINE_CLI), "run", jobArgs());
  }

  @Test
  void flinkConfigurationUsesOnlyRealFlinkOptions() {
    List<String> problems = new ArrayList<>();
    SPEC.path("flinkConfiguration").fieldNames().forEachRemaining(k -> {
      String p = FlinkOptions.problem(k);
      if (p != null) {
        problems.add(p);
      }
    });
    assertEquals(List.of(), problems);
    assertNotEquals(null, FlinkOptions.problem("taskmanager.numberOfTaskSlot"), "a misspelled key must be caught");
    assertNotEquals(null, FlinkOptions.problem("state.checkpoints.dir"), "a deprecated key must be caught");
  }

  @Test
  void djlLoadsParentFirstAndOffline() {
    assertTrue(conf("classloader.parent-first-patterns.additional").contains("ai.djl."));
    assertTrue(conf("env.java.opts.all").contains("-Dai.djl.offline=true"));
  }

  @Test
  void oneGpuPerTaskManagerConsistently() {
    assertTrue(conf("external-resources").matches("(.*;)?gpu(;.*)?"), "external-resources lists gpu");
    assertEquals("nvidia.com/gpu", conf("external-resource.gpu.kubernetes.config-key"));
    assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory", conf("external-resource.gpu.driver-factory.class"));
    JsonNode tmLimits = SPEC.at("/taskManager/podTemplate/spec/containers/0/resources/limits");
    assertEquals("flink-main-container", SPEC.at("/taskManager/podTemplate/spec/containers/0/name").asText());
    assertEquals(conf("external-resource.gpu.amount"), tmLimits.path("nvidia.com/gpu").asText());
    assertEquals("1", conf("taskmanager.numberOfTaskSlots"), "one subtask per GPU");
    assertEquals("gpu", flag(jobArgs(), "--device"));
    assertTrue(SPEC.path("image").asText().endsWith("-gpu"), "the GPU variant of the image");
  }

  @Test
  void kafkaBootstrapAndTopicsExistInTheStrimziCluster() {
    Manifest kafka = DeployFiles.only("Kafka");
    JsonNode plain = null;
    for (JsonNode l : kafka.doc().at("/spec/kafka/listeners")) {
      if (!l.path("tls").asBoolean() && l.path("type").asText().equals("internal")) {
        plain = l;
      }
    }
    assertTrue(plain != null, "an internal plain listener");
    assertEquals(kafka.name() + "-kafka-bootstrap:" + plain.path("port").asInt(), flag(jobArgs(), "--bootstrap-servers"));
    Map<String, Integer> partitions = new HashMap<>();
    for (Manifest t : DeployFiles.ofKind("KafkaTopic")) {
      assertEquals(kafka.name(), t.doc().at("/metadata/labels/strimzi.io~1cluster").asText(), t.source());
      partitions.put(t.doc().at("/spec/topicName").asText(t.name()), t.doc().at("/spec/partitions").asInt());
    }
    for (String f : List.of("--input-topic", "--output-topic", "--dlq-topic")) {
      assertTrue(partitions.containsKey(flag(jobArgs(), f)), f + " " + flag(jobArgs(), f) + " has no KafkaTopic");
    }
    assertEquals(Set.of("frames", "predictions", "dead-letters"), partitions.keySet());
    int parallelism = SPEC.at("/job/parallelism").asInt();
    assertEquals(String.valueOf(parallelism), flag(jobArgs(), "--parallelism"));
    assertTrue(parallelism <= partitions.get(flag(jobArgs(), "--input-topic")), "idle source subtasks");
    for (Manifest m : DeployFiles.ofKind("KafkaNodePool")) {
      assertEquals(kafka.name(), m.doc().at("/metadata/labels/strimzi.io~1cluster").asText());
    }
  }

  @Test
  void kafkaAndTopicConfigsAreRealKafkaSettings() {
    Set<String> broker = KafkaConfig.configDef().names();
    DeployFiles.only("Kafka").doc().at("/spec/kafka/config").fieldNames()
        .forEachRemaining(k -> assertTrue(broker.contains(k), "not a broker config: " + k));
    Set<String> topic = new TreeSet<>(LogConfig.configNames());
    for (Manifest t : DeployFiles.ofKind("KafkaTopic")) {
      t.doc().at("/spec/config").fieldNames().forEachRemaining(k -> assertTrue(topic.contains(k), t.name() + ": not a topic config: " + k));
    }
    // Exactly-once sinks must fit under the broker's transaction timeout (stack-notes §7).
    assertTrue(DeployFiles.only("Kafka").doc().at("/spec/kafka/config/transaction.max.timeout.ms").asLong() >= 900000);
  }

  @Test
  void modelSecretAndCheckpointPathsAreMountedFromObjectsThatExist() {
    JsonNode pod = SPEC.at("/podTemplate/spec");
    Map<String, String> mountToVolume = new HashMap<>();
    pod.at("/containers/0/volumeMounts").forEach(m -> mountToVolume.put(m.path("mountPath").asText(), m.path("name").asText()));
    Map<String, JsonNode> volumes = new HashMap<>();
    pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    mountToVolume.values().forEach(v -> assertTrue(volumes.containsKey(v), "volumeMount of undeclared volume " + v));
    Set<String> pvcs = new TreeSet<>();
    DeployFiles.ofKind("PersistentVolumeClaim").forEach(m -> pvcs.add(m.name()));
    volumes.values().stream().filter(v -> v.has("persistentVolumeClaim"))
        .forEach(v -> assertTrue(pvcs.contains(v.at("/persistentVolumeClaim/claimName").asText()), v.toString()));

    // --model lies on the models PVC, at the directory the training Job writes.
    String model = flag(jobArgs(), "--model");
    assertEquals("condensenet-models", claimBehind(model, mountToVolume, volumes));
    JsonNode train = DeployFiles.only("Job").doc().at("/spec/template/spec");
    String out = flag(trainingInvocations().get(1), "--out");
    String trainMount = train.at("/containers/0/volumeMounts/0/mountPath").asText();
    assertEquals("condensenet-models", train.at("/volumes/0/persistentVolumeClaim/claimName").asText());
    String modelMount = mountToVolume.keySet().stream().filter(model::startsWith).findFirst().orElseThrow();
    assertEquals(out.substring(trainMount.length()), model.substring(modelMount.length()), "model dir vs training --out");

    // --kafka-properties is a key of the Secret mounted at its folder.
    String props = flag(jobArgs(), "--kafka-properties");
    String dir = props.substring(0, props.lastIndexOf('/'));
    JsonNode secretVolume = volumes.get(mountToVolume.get(dir));
    Manifest secret = DeployFiles.only("Secret");
    assertEquals(secret.name(), secretVolume.at("/secret/secretName").asText());
    String key = props.substring(dir.length() + 1);
    assertTrue(secret.doc().at("/stringData").has(key) || secret.doc().at("/data").has(key), "Secret has no " + key);

    // Checkpoints go where the cluster config says, on the shared PVC.
    assertEquals(conf("execution.checkpointing.dir"), flag(jobArgs(), "--checkpoint-dir"));
    for (String k : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir")) {
      assertEquals("flink-data", claimBehind(conf(k).replaceFirst("^file://", ""), mountToVolume, volumes), k);
    }
  }

  static String claimBehind(String path, Map<String, String> mountToVolume, Map<String, JsonNode> volumes) {
    String mount = mountToVolume.keySet().stream().filter(m -> path.startsWith(m + "/")).findFirst().orElse(null);
    assertTrue(mount != null, path + " is not on a mounted volume");
    return volumes.get(mountToVolume.get(mount)).at("/persistentVolumeClaim/claimName").asText();
  }

  @Test
  void nothingSecretIsInline() {
    String secret = DeployFiles.only("Secret").doc().toString().toLowerCase();
    for (String word : List.of("password", "sasl.jaas.config", "secret=", "token")) {
      assertFalse(secret.contains(word), "the committed Secret must hold no credentials: " + word);
    }
    String all = DeployFiles.k8sObjects().stream().filter(m -> !m.kind().equals("Secret"))
        .map(m -> m.doc().toString().toLowerCase()).reduce("", String::concat);
    assertFalse(all.contains("password"), "credentials outside a Secret");
  }

  @Test
  void podsRunAsNonRoot() {
    List<JsonNode> pods = List.of(SPEC.at("/podTemplate/spec"), DeployFiles.only("Job").doc().at("/spec/template/spec"));
    for (JsonNode pod : pods) {
      assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), "runAsNonRoot");
      assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0, "non-zero uid");
      for (JsonNode c : pod.path("containers")) {
        assertEquals(false, c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), c.path("name").asText());
      }
    }
    assertEquals(9999, SPEC.at("/podTemplate/spec/securityContext/runAsUser").asInt(), "the flink image's uid");
  }

  @Test
  void trainingJobRequestsAGpuAndParsesWithTheTrainingCli() {
    JsonNode c = DeployFiles.only("Job").doc().at("/spec/template/spec/containers/0");
    assertEquals("1", c.at("/resources/limits/nvidia.com~1gpu").asText());
    List<List<String>> runs = trainingInvocations();
    String out = flag(runs.get(1), "--out");
    assertEquals(out, flag(runs.get(0), "--resume"), "resume continues the same run");
    assertTrue(c.at("/args/0").asText().contains("if [ -d " + out + "/checkpoint ]"), "resumes only when a checkpoint exists");
    for (List<String> args : runs) {
      assertEquals("gpu", flag(args, "--device"));
      Cli.parse(Cli.required(Cli.TRAINING_CLI), args.get(0), args.subList(1, args.size()));
    }
  }

  @Test
  void prometheusServiceSelectsTheTaskManagersReporterPort() {
    JsonNode svc = DeployFiles.only("Service").doc().path("spec");
    assertNull(FlinkOptions.problem("metrics.reporter.prom.port"));
    assertEquals(conf("metrics.reporter.prom.port"), svc.at("/ports/0/targetPort").asText());
    assertEquals(FD.at("/metadata/name").asText(), svc.at("/selector/app").asText());
    assertEquals("taskmanager", svc.at("/selector/component").asText());
    assertEquals(conf("metrics.reporter.prom.port"), SPEC.at("/taskManager/podTemplate/spec/containers/0/ports/0/containerPort").asText());
    assertTrue(Cli.load(conf("metrics.reporter.prom.factory.class")) != null, "reporter factory class exists");
  }

  @Test
  void flinkRunsUnderItsServiceAccountWithTheRightsNativeModeNeeds() {
    assertEquals(DeployFiles.only("ServiceAccount").name(), SPEC.path("serviceAccount").asText());
    JsonNode binding = DeployFiles.only("RoleBinding").doc();
    assertEquals(DeployFiles.only("Role").name(), binding.at("/roleRef/name").asText());
    assertEquals(DeployFiles.only("ServiceAccount").name(), binding.at("/subjects/0/name").asText());
    String rules = DeployFiles.only("Role").doc().path("rules").toString();
    assertTrue(rules.contains("pods") && rules.contains("configmaps"), "TaskManager pods and HA ConfigMaps");
  }
}
