package dev.condensenet.deploy;

import static dev.condensenet.deploy.KubernetesCrossCheckTest.flag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** docker/compose.yaml (and its GPU overlay): services, Kafka listeners, topics, ports and commands agree. */
class ComposeTest {
  static final JsonNode COMPOSE = Compose.read("compose.yaml");
  static final JsonNode SERVICES = COMPOSE.path("services");
  static final Map<String, String> KAFKA_ENV = env("kafka");

  static Map<String, String> env(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    SERVICES.path(service).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  /** "NAME://host:port,..." → name → "host:port". */
  static Map<String, String> listeners(String value) {
    Map<String, String> out = new HashMap<>();
    for (String l : value.split(",")) {
      String[] p = l.split("://", 2);
      out.put(p[0], p[1]);
    }
    return out;
  }

  static String port(String hostPort) {
    return hostPort.substring(hostPort.lastIndexOf(':') + 1);
  }

  static Map<String, String> flinkProperties(String service) {
    Map<String, String> props = new LinkedHashMap<>();
    for (String line : env(service).get("FLINK_PROPERTIES").split("\n")) {
      if (!line.isBlank()) {
        String[] kv = line.split(":", 2); // the image's entrypoint splits the same way
        props.put(kv[0].trim(), kv[1].trim());
      }
    }
    return props;
  }

  @Test
  void onlyComposeSpecificationKeysAreUsed() {
    for (String file : List.of("compose.yaml", "compose.gpu.yaml")) {
      JsonNode c = Compose.read(file);
      c.fieldNames().forEachRemaining(k -> assertTrue(Compose.TOP_KEYS.contains(k) || k.startsWith("x-"), file + ": " + k));
      c.path("services").fields().forEachRemaining(s -> s.getValue().fieldNames().forEachRemaining(k ->
          assertTrue(Compose.SERVICE_KEYS.contains(k) || k.startsWith("x-"), file + ": service " + s.getKey() + ": " + k)));
    }
  }

  @Test
  void dependenciesNameRealServicesAndConditionsTheyCanMeet() {
    SERVICES.fields().forEachRemaining(s -> {
      JsonNode deps = s.getValue().path("depends_on");
      List<String> names = new ArrayList<>();
      if (deps.isArray()) {
        deps.forEach(d -> names.add(d.asText()));
      } else {
        deps.fields().forEachRemaining(d -> {
          names.add(d.getKey());
          String condition = d.getValue().path("condition").asText();
          assertTrue(Set.of("service_started", "service_healthy", "service_completed_successfully").contains(condition), condition);
          if (condition.equals("service_healthy")) {
            assertTrue(SERVICES.path(d.getKey()).has("healthcheck"), d.getKey() + " has no healthcheck");
          }
        });
      }
      names.forEach(n -> assertTrue(SERVICES.has(n), s.getKey() + " depends on unknown service " + n));
    });
  }

  @Test
  void kafkaSettingsAreRealBrokerConfigsAndListenersAgree() {
    Set<String> broker = KafkaConfig.configDef().names();
    KAFKA_ENV.keySet().stream().filter(k -> k.startsWith("KAFKA_")).forEach(k -> {
      // The apache/kafka image's rule: drop KAFKA_, "___" → "-", "__" → "_", "_" → ".", lower case.
      String prop = k.substring(6).replace("___", "-").replace("__", "@").replace("_", ".").replace("@", "_").toLowerCase();
      assertTrue(broker.contains(prop), k + " → " + prop + " is not a broker config");
    });
    Uuid.fromString(KAFKA_ENV.get("CLUSTER_ID")); // a 16-byte base64url id, or KRaft formatting fails

    Map<String, String> bind = listeners(KAFKA_ENV.get("KAFKA_LISTENERS"));
    Map<String, String> advertised = listeners(KAFKA_ENV.get("KAFKA_ADVERTISED_LISTENERS"));
    Map<String, String> protocols = new HashMap<>();
    for (String p : KAFKA_ENV.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
      protocols.put(p.split(":")[0], p.split(":")[1]);
    }
    assertEquals(bind.keySet(), protocols.keySet(), "every listener has a security protocol");
    advertised.forEach((name, hostPort) -> assertEquals(port(bind.get(name)), port(hostPort), name));
    String controller = KAFKA_ENV.get("KAFKA_CONTROLLER_LISTENER_NAMES");
    assertEquals("1@kafka:" + port(bind.get(controller)), KAFKA_ENV.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
    assertEquals("1", KAFKA_ENV.get("KAFKA_NODE_ID"));
    assertTrue(advertised.containsKey(KAFKA_ENV.get("KAFKA_INTER_BROKER_LISTENER_NAME")));
    assertEquals("kafka", SERVICES.at("/kafka/hostname").asText());
    // The host listener is published on the same port it advertises.
    String host = advertised.get("HOST");
    assertEquals(port(host) + ":" + port(host), SERVICES.at("/kafka/ports/0").asText());
  }

  @Test
  void everyClientUsesTheAdvertisedInternalListener() {
    String bootstrap = listeners(KAFKA_ENV.get("KAFKA_ADVERTISED_LISTENERS")).get("PLAINTEXT");
    assertEquals(bootstrap, flag(Compose.list(SERVICES.at("/jobmanager/command")), "--bootstrap-servers"));
    assertEquals(bootstrap, flag(Compose.list(SERVICES.at("/producer/command")), "--bootstrap-servers"));
    assertEquals(bootstrap, flag(Compose.list(SERVICES.at("/consumer/command")), "--bootstrap-server"));
    assertEquals(bootstrap, flag(Compose.list(SERVICES.at("/kafka/healthcheck/test")), "--bootstrap-server"));
    assertTrue(SERVICES.at("/kafka-init/command/0").asText().contains("--bootstrap-server " + bootstrap));
  }

  /** Runs a Kafka tool's option parser; the tools "exit" on bad arguments, which here fails the test. */
  static <T> T kafkaTool(java.util.concurrent.Callable<T> parse) throws Exception {
    org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) -> {
      throw new AssertionError("the Kafka tool rejected its arguments (exit " + code + "): " + message);
    });
    try {
      return parse.call();
    } finally {
      org.apache.kafka.common.utils.Exit.resetExitProcedure();
    }
  }

  static Object call(Object target, String method) throws Exception {
    java.lang.reflect.Method m = target.getClass().getDeclaredMethod(method);
    m.setAccessible(true); // package-private accessors of ConsoleConsumerOptions
    return m.invoke(target);
  }

  @Test
  void kafkaToolCommandLinesParseWithTheToolsThemselves() throws Exception {
    String script = SERVICES.at("/kafka-init/command/0").asText();
    String line = script.lines().filter(l -> l.contains("kafka-topics.sh")).findFirst().orElseThrow().trim();
    for (String topic : List.of("frames", "predictions", "dead-letters")) {
      // Compose turns $$ into $; the shell then expands the loop variable and drops the quotes.
      List<String> args = new ArrayList<>(List.of(line.replace("\"$$topic\"", topic).split("\\s+")));
      args.remove(0);
      org.apache.kafka.tools.TopicCommand.TopicCommandOptions o =
          kafkaTool(() -> new org.apache.kafka.tools.TopicCommand.TopicCommandOptions(args.toArray(String[]::new)));
      kafkaTool(() -> {
        o.checkArgs();
        return null;
      });
      assertTrue(o.hasCreateOption() && o.ifNotExists(), "idempotent create");
      assertEquals(topic, o.topic().orElseThrow());
    }
    List<String> consumer = Compose.list(SERVICES.at("/consumer/command"));
    Object options = kafkaTool(() -> new org.apache.kafka.tools.consumer.ConsoleConsumerOptions(
        consumer.subList(1, consumer.size()).toArray(String[]::new)));
    assertEquals(java.util.Optional.of("predictions"), call(options, "topicArg"));
    assertEquals("read_committed", ((java.util.Properties) call(options, "consumerProps")).get("isolation.level"));
    assertEquals("true", ((java.util.Properties) call(options, "formatterArgs")).get("print.key"));
  }

  @Test
  void topicsUsedAreTheTopicsCreated() {
    String script = SERVICES.at("/kafka-init/command/0").asText();
    Matcher m = Pattern.compile("for topic in ([^;]+);").matcher(script);
    assertTrue(m.find(), script);
    Set<String> created = new TreeSet<>(List.of(m.group(1).trim().split("\\s+")));
    assertTrue(script.contains("--topic \"$$topic\""), "each listed topic is created");
    List<String> job = Compose.list(SERVICES.at("/jobmanager/command"));
    for (String f : List.of("--input-topic", "--output-topic", "--dlq-topic")) {
      assertTrue(created.contains(flag(job, f)), f);
    }
    assertEquals(flag(job, "--input-topic"), flag(Compose.list(SERVICES.at("/producer/command")), "--topic"));
    assertEquals(flag(job, "--output-topic"), flag(Compose.list(SERVICES.at("/consumer/command")), "--topic"));
    Set<String> k8sTopics = new TreeSet<>();
    DeployFiles.ofKind("KafkaTopic").forEach(t -> k8sTopics.add(t.name()));
    assertEquals(k8sTopics, created, "compose and Kubernetes use the same topics");
    assertEquals("false", KAFKA_ENV.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"), "a misspelled topic must not be auto-created");
  }

  @Test
  void flinkPropertiesAreRealOptionsAndPortsMatch() {
    Map<String, String> props = flinkProperties("jobmanager");
    assertEquals(props, flinkProperties("taskmanager"), "JobManager and TaskManager share one configuration");
    props.keySet().forEach(k -> assertNull(FlinkOptions.problem(k)));
    assertEquals("ai.djl.", props.get("classloader.parent-first-patterns.additional"));
    assertEquals(props.get("metrics.reporter.prom.port") + ":" + props.get("metrics.reporter.prom.port"),
        SERVICES.at("/taskmanager/ports/0").asText());
    String rest = String.valueOf(RestOptions.PORT.defaultValue());
    assertEquals(rest + ":" + rest, SERVICES.at("/jobmanager/ports/0").asText());
    assertEquals("jobmanager", props.get("jobmanager.rpc.address"));
    assertEquals(props.get("execution.checkpointing.dir"), flag(Compose.list(SERVICES.at("/jobmanager/command")), "--checkpoint-dir"));
    for (String svc : List.of("jobmanager", "taskmanager")) {
      String mount = SERVICES.at("/" + svc + "/volumes/0").asText();
      assertTrue(COMPOSE.path("volumes").has(mount.split(":")[0]), mount);
      assertTrue(props.get("execution.checkpointing.dir").startsWith("file://" + mount.split(":")[1] + "/"), svc);
    }
  }

  @Test
  void jobmanagerRunsTheJobWithCliCompatibleArguments() {
    List<String> cmd = Compose.list(SERVICES.at("/jobmanager/command"));
    assertEquals("standalone-job", cmd.get(0));
    assertEquals(List.of("--job-classname", Cli.JOB_MAIN), cmd.subList(1, 3));
    assertEquals(SERVICES.at("/jobmanager/image"), SERVICES.at("/taskmanager/image"));
    assertEquals(SERVICES.at("/jobmanager/build"), SERVICES.at("/taskmanager/build"));
    String context = SERVICES.at("/jobmanager/build/context").asText();
    assertTrue(Files.isRegularFile(Compose.file("compose.yaml").getParent().resolve(context)
        .resolve(SERVICES.at("/jobmanager/build/dockerfile").asText())), "build context and dockerfile");
    Cli.parseCommand(Cli.required(Cli.JOB_MAIN), cmd.subList(3, cmd.size()));
  }

  @Test
  void jobArgumentsAlsoParseWithThePipelineCliRunCommand() {
    List<String> cmd = Compose.list(SERVICES.at("/jobmanager/command"));
    Cli.parse(Cli.required(Cli.PIPELINE_CLI), "run", cmd.subList(3, cmd.size()));
  }

  @Test
  void modelIsTheOneBakedIntoTheImage() {
    String model = flag(Compose.list(SERVICES.at("/jobmanager/command")), "--model");
    assertTrue(model.startsWith("/opt/condensenet/models/"), model);
    String name = model.substring(model.lastIndexOf('/') + 1);
    String k8sModel = flag(KubernetesCrossCheckTest.jobArgs(), "--model-root");
    assertEquals(k8sModel.substring(k8sModel.lastIndexOf('/') + 1), name, "same model on both routes");
    assumeTrue(Files.isDirectory(DeployFiles.root().resolve("testdata/models")),
        "ASSUMPTION: testdata/models/ is not committed yet, so model " + name + " cannot be checked");
    assertTrue(Files.isDirectory(DeployFiles.root().resolve("testdata/models").resolve(name)),
        "testdata/models/" + name + " (the model the compose job loads) does not exist");
  }

  @Test
  void producerSendsTheSampleFramesWithTheCli() {
    JsonNode producer = SERVICES.path("producer");
    List<String> cmd = Compose.list(producer.path("command"));
    assertEquals(List.of("java", "-jar"), cmd.subList(0, 2));
    Map<String, String> mounts = new HashMap<>();
    producer.path("volumes").forEach(v -> {
      String[] p = v.asText().split(":");
      mounts.put(p[1], p[0]);
    });
    String jar = mounts.get(cmd.get(2));
    assertTrue(jar != null && BuildOutputs.declared().contains(jar.replaceFirst("^\\.\\./", "")), "jar mount " + jar);
    assertEquals("produce", cmd.get(3));
    String images = flag(cmd, "--images");
    String mountPoint = mounts.keySet().stream().filter(m -> images.startsWith(m + "/")).findFirst().orElseThrow();
    String onHost = mounts.get(mountPoint).replaceFirst("^\\.\\./", "") + images.substring(mountPoint.length());
    Cli.parse(Cli.required(Cli.PIPELINE_CLI), "produce", cmd.subList(4, cmd.size()));
    assumeTrue(Files.isDirectory(DeployFiles.root().resolve("testdata")), "ASSUMPTION: testdata/ not committed yet");
    assertTrue(Files.isDirectory(DeployFiles.root().resolve(onHost)), onHost + " does not exist");
  }

  @Test
  void gpuOverlayReservesAnNvidiaGpuForTheTaskManager() {
    JsonNode gpu = Compose.read("compose.gpu.yaml").path("services");
    gpu.fieldNames().forEachRemaining(s -> assertTrue(SERVICES.has(s), "overlay names unknown service " + s));
    JsonNode device = gpu.at("/taskmanager/deploy/resources/reservations/devices/0");
    assertEquals("nvidia", device.path("driver").asText());
    assertTrue(device.path("count").asInt() >= 1);
    assertTrue(Compose.list(device.path("capabilities")).contains("gpu"));
    for (String svc : List.of("jobmanager", "taskmanager")) {
      assertEquals("gpu", gpu.at("/" + svc + "/build/target").asText(), svc);
      assertTrue(DockerfilesTest.PIPELINE.stage("gpu") != null, "Dockerfile.pipeline has the target gpu");
    }
    assertEquals(gpu.at("/jobmanager/image"), gpu.at("/taskmanager/image"));
    assertFalse(gpu.path("jobmanager").has("deploy"), "the JobManager gets no GPU");
  }

  /**
   * Defect 5 of issue 14: /flink-data did not exist in the image, and Docker creates a named volume mounted where
   * the image has no directory root-owned, so Flink (uid 9999) could not write its checkpoints and the job never
   * started. (Podman creates it owned by the container user, so the container tier cannot show this; it does check
   * the directory's owner in the built image.) Every named volume's mount point must be created in the image and
   * handed to the user the service runs as.
   */
  @Test
  void everyNamedVolumeMountPointExistsInTheImageOwnedByItsUser() {
    for (String svc : List.of("jobmanager", "taskmanager")) {
      String target = SERVICES.at("/" + svc + "/build/target").asText();
      List<Dockerfile.Stage> chain = DockerfilesTest.PIPELINE.chain(target, Map.of());
      String user = Dockerfile.last(chain, "USER");
      String runs = String.join("\n", chain.stream().flatMap(st -> st.all("RUN").stream()).map(Dockerfile.Instruction::rest).toList());
      for (JsonNode v : SERVICES.path(svc).path("volumes")) {
        String[] parts = v.asText().split(":");
        if (!COMPOSE.path("volumes").has(parts[0])) {
          continue; // a bind mount: the host's directory
        }
        String dir = parts[1];
        assertTrue(Pattern.compile("mkdir -p [^\\n]*" + Pattern.quote(dir) + "(\\s|/|$)").matcher(runs).find(),
            svc + ": " + dir + " (named volume " + parts[0] + ") does not exist in the image: Docker would create it root-owned");
        assertTrue(Pattern.compile("chown -R " + user + ":" + user + " [^\\n]*" + Pattern.quote(dir) + "(\\s|$)").matcher(runs).find(),
            svc + ": " + dir + " is not owned by " + user + ", the user the image runs as");
      }
    }
  }
}
