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
    Map<String, String> env = new HashMap<>();
    c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    for (String line : c.at("/args/0").asText().split("\n")) {
      List<String> words = new ArrayList<>();
      for (String w : line.trim().split("\\s+")) { // the shell expands "$VAR" from the container's env
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("\"\\$(\\w+)\"").matcher(w);
        words.add(v.matches() ? env.getOrDefault(v.group(1), w) : w);
      }
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
  void kafkaBootstrapAndTopicsExistInTheStrimziCluster() {
    Manifest kafka = DeployFiles.only("Kafka");
    JsonNode scram = null;
    for (JsonNode l : kafka.doc().at("/spec/kafka/listeners")) {
      assertTrue(l.path("tls").asBoolean(), "no plaintext listener: " + l);
      if (l.at("/authentication/type").asText().equals("scram-sha-512") && l.path("type").asText().equals("internal")) {
        scram = l;
      }
    }
    assertTrue(scram != null, "an internal TLS listener with SCRAM-SHA-512");
    assertEquals(kafka.name() + "-kafka-bootstrap:" + scram.path("port").asInt(), flag(jobArgs(), "--bootstrap-servers"));
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
    // One place sets the parallelism: job.parallelism (the job takes parallelism.default without --parallelism).
    assertNull(flag(jobArgs(), "--parallelism"), "--parallelism would override job.parallelism");
    assertNull(conf("parallelism.default"), "the operator sets parallelism.default from job.parallelism");
    assertTrue(parallelism <= partitions.get(flag(jobArgs(), "--input-topic")), "idle source subtasks");
    assertTrue(Integer.parseInt(conf("pipeline.max-parallelism")) >= partitions.get(flag(jobArgs(), "--input-topic")),
        "max parallelism below the frames partitions");
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
    // Exactly-once sinks must fit under the broker's transaction timeout (docs/design.md §9.3).
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

    // --model-root lies on the models PVC, at the model root the training Job publishes versions into.
    String model = flag(jobArgs(), "--model-root");
    assertEquals("condensenet-models", claimBehind(model, mountToVolume, volumes));
    JsonNode train = DeployFiles.only("Job").doc().at("/spec/template/spec");
    String out = flag(trainingInvocations().get(1), "--model-root");
    String trainMount = train.at("/containers/0/volumeMounts/0/mountPath").asText();
    assertEquals("condensenet-models", train.at("/volumes/0/persistentVolumeClaim/claimName").asText());
    String modelMount = mountToVolume.keySet().stream().filter(model::startsWith).findFirst().orElseThrow();
    assertEquals(out.substring(trainMount.length()), model.substring(modelMount.length()), "model root vs training --model-root");
    assertEquals(out, flag(trainingInvocations().get(0), "--model-root"), "a resumed run publishes there too");
    assertTrue(flag(trainingInvocations().get(1), "--out").startsWith(trainMount + "/"), "the run is on the PVC");
    assertFalse(flag(trainingInvocations().get(1), "--out").startsWith(out + "/"),
        "the run's directory is not inside the model root (only numbered versions are)");

    // --kafka-properties: written into an emptyDir by the initContainer from the ConfigMap's template and the
    // KafkaUser's Secret (Strimzi names it after the user); the CA comes from Strimzi's cluster CA Secret.
    String props = flag(jobArgs(), "--kafka-properties");
    String dir = props.substring(0, props.lastIndexOf('/'));
    assertTrue(volumes.get(mountToVolume.get(dir)).has("emptyDir"), "client.properties lives in an emptyDir");
    JsonNode init = null;
    for (JsonNode c : pod.path("initContainers")) {
      if (c.path("name").asText().equals("kafka-client-properties")) {
        init = c;
      }
    }
    assertTrue(init != null, "initContainer kafka-client-properties");
    Map<String, String> initMounts = new HashMap<>();
    init.path("volumeMounts").forEach(m -> initMounts.put(m.path("name").asText(), m.path("mountPath").asText()));
    String script = init.at("/args/0").asText();
    assertTrue(script.contains("> " + initMounts.get(mountToVolume.get(dir)) + "/" + props.substring(dir.length() + 1)), script);
    Manifest user = DeployFiles.only("KafkaUser");
    assertEquals(user.name(), volumes.get("kafka-user").at("/secret/secretName").asText());
    assertTrue(script.contains(initMounts.get("kafka-user") + "/sasl.jaas.config"), "the Secret's key Strimzi writes");
    Manifest template = DeployFiles.only("ConfigMap");
    assertEquals(template.name(), volumes.get("kafka-client-template").at("/configMap/name").asText());
    String clientProps = template.doc().at("/data/client.properties").asText();
    assertTrue(script.contains("cat " + initMounts.get("kafka-client-template") + "/client.properties"), script);
    java.util.Properties client = new java.util.Properties();
    try {
      client.load(new java.io.StringReader(clientProps));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals("SASL_SSL", client.getProperty("security.protocol"));
    assertEquals("SCRAM-SHA-512", client.getProperty("sasl.mechanism"));
    assertEquals(DeployFiles.only("Kafka").name() + "-cluster-ca-cert", volumes.get("kafka-cluster-ca").at("/secret/secretName").asText());
    String ca = client.getProperty("ssl.truststore.location");
    assertEquals("kafka-cluster-ca", mountToVolume.get(ca.substring(0, ca.lastIndexOf('/'))), "truststore from the CA Secret");
    assertEquals("ca.crt", ca.substring(ca.lastIndexOf('/') + 1), "Strimzi's key for the CA certificate");
    client.stringPropertyNames().forEach(k -> assertTrue(
        org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(k), "not a Kafka client setting: " + k));

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
    assertEquals(List.of(), DeployFiles.ofKind("Secret"), "credentials come from Strimzi's Secrets, none is committed");
    String clientProps = DeployFiles.only("ConfigMap").doc().at("/data/client.properties").asText().toLowerCase();
    for (String word : List.of("password", "sasl.jaas.config", "secret=", "token")) {
      assertFalse(clientProps.contains(word), "the client settings template holds no credentials: " + word);
    }
    String all = DeployFiles.k8sObjects().stream().map(m -> m.doc().toString().toLowerCase()).reduce("", String::concat);
    assertFalse(all.contains("password="), "an inline password");
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
  void trainingJobParsesWithTheTrainingCli() {
    JsonNode c = DeployFiles.only("Job").doc().at("/spec/template/spec/containers/0");
    List<List<String>> runs = trainingInvocations();
    String out = flag(runs.get(1), "--out");
    assertEquals(out, flag(runs.get(0), "--resume"), "resume continues the same run");
    assertTrue(c.at("/args/0").asText().contains("if [ -d \"$RUN_DIR/checkpoint\" ]"), "resumes only when a checkpoint exists");
    assertEquals("/models/runs/$(JOB_UID)", out, "one run directory per Job, the same for its retried pods");
    String uidFrom = null;
    for (JsonNode e : c.path("env")) {
      if (e.path("name").asText().equals("JOB_UID")) {
        uidFrom = e.at("/valueFrom/fieldRef/fieldPath").asText();
      }
    }
    assertEquals("metadata.labels['batch.kubernetes.io/controller-uid']", uidFrom);
    for (List<String> args : runs) {
      assertEquals("cpu", flag(args, "--device"), "the base trains on the CPU (the gpu overlay switches)");
      Cli.parse(Cli.required(Cli.TRAINING_CLI), args.get(0), args.subList(1, args.size()));
    }
  }

  @Test
  void podMonitorScrapesTheReporterPortOfBothFlinkRoles() {
    JsonNode pm = DeployFiles.only("PodMonitor").doc().path("spec");
    assertNull(FlinkOptions.problem("metrics.reporter.prom.port"));
    JsonNode port = SPEC.at("/podTemplate/spec/containers/0/ports/0");
    assertEquals(pm.at("/podMetricsEndpoints/0/port").asText(), port.path("name").asText());
    assertEquals(conf("metrics.reporter.prom.port"), port.path("containerPort").asText(), "on JobManager and TaskManagers");
    // The labels the operator gives every pod of the deployment (app=<name>, type=flink-native-kubernetes).
    assertEquals(FD.at("/metadata/name").asText(), pm.at("/selector/matchLabels/app").asText());
    assertEquals("flink-native-kubernetes", pm.at("/selector/matchLabels/type").asText());
    assertFalse(pm.at("/selector/matchLabels").has("component"), "JobManager and TaskManagers");
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
