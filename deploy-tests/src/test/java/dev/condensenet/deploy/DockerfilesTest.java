package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condensenet.deploy.Dockerfile.Instruction;
import dev.condensenet.deploy.Dockerfile.Stage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The Dockerfiles copy what the build produces, through the .dockerignore, and run as non-root. */
class DockerfilesTest {
  static final Path ROOT = DeployFiles.root();
  static final Dockerfile PIPELINE = Dockerfile.read(ROOT.resolve("docker/Dockerfile.pipeline"));
  static final Dockerfile TRAINING = Dockerfile.read(ROOT.resolve("docker/Dockerfile.training"));
  static final String TRAINING_JAR = "/opt/condensenet/condensenet-training.jar";
  static final DockerIgnore IGNORE = DockerIgnore.read(ROOT.resolve(".dockerignore"));

  /** COPY sources taken from the build context (not from another stage). */
  static List<String> contextSources(Dockerfile d) {
    List<String> sources = new ArrayList<>();
    for (Stage s : d.stages()) {
      for (Instruction i : s.all("COPY")) {
        if (i.option("from") == null) {
          List<String> w = i.operands();
          sources.addAll(w.subList(0, w.size() - 1));
        }
      }
    }
    return sources;
  }

  @Test
  void copySourcesAreBuildOutputsOrCommittedFiles() {
    Set<String> produced = BuildOutputs.declared();
    for (Dockerfile d : List.of(PIPELINE, TRAINING)) {
      for (String src : contextSources(d)) {
        String path = src.replaceAll("/+$", "");
        if (path.startsWith("testdata/")) {
          continue; // checked in testdataModelsExist
        }
        assertTrue(produced.contains(path) || Files.exists(ROOT.resolve(path)),
            src + " is neither produced by `mvn package` (per the poms: " + produced + ") nor in the repository");
      }
    }
    assertTrue(produced.containsAll(Set.of("pipeline/target/condensenet-pipeline-job.jar",
        "pipeline/target/flink-lib", "training/target/condensenet-training.jar")), produced.toString());
  }

  @Test
  void testdataModelsExist() {
    assumeTrue(Files.isDirectory(ROOT.resolve("testdata/models")), "ASSUMPTION: testdata/models/ is not committed"
        + " yet (the training issue ships it); Dockerfile.pipeline bakes it in and its build fails until it exists");
    try (Stream<Path> models = Files.list(ROOT.resolve("testdata/models"))) {
      assertTrue(models.anyMatch(Files::isDirectory), "testdata/models/ holds no model directory");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void dockerignoreSendsTheCopySourcesAndLittleElse() {
    for (Dockerfile d : List.of(PIPELINE, TRAINING)) {
      for (String src : contextSources(d)) {
        String path = src.replaceAll("/+$", "");
        assertTrue(IGNORE.included(path), src + " is excluded by .dockerignore");
        assertTrue(IGNORE.included(path + "/x.jar") || !src.endsWith("/"), "content of " + src + " is excluded");
      }
    }
    for (String big : List.of(".git/HEAD", "pipeline/src/main/java/A.java", "pipeline/target/classes/A.class",
        "training/target/condensenet-training-0.1.0-SNAPSHOT.jar", "pipeline/target/condensenet-pipeline.jar")) {
      assertFalse(IGNORE.included(big), big + " would be sent to every image build");
    }
  }

  @Test
  void stagesReferencedByCopyFromExist() {
    for (Dockerfile d : List.of(PIPELINE, TRAINING)) {
      for (Stage s : d.stages()) {
        for (Instruction i : s.all("COPY")) {
          String from = i.option("from");
          assertTrue(from == null || d.stage(from) != null, "COPY --from=" + from + " names no stage");
        }
      }
    }
  }

  @Test
  void everyVariantRunsAsANonRootUser() {
    for (String target : List.of("cpu", "gpu", "gpu-dry-run")) {
      List<Stage> chain = PIPELINE.chain(target, Map.of());
      // The patch version the job is compiled against (the parent pom's flink.version), official image by default.
      assertEquals("flink:" + flinkVersion() + "-java17", PIPELINE.resolve(chain.get(0).base(), Map.of()), target);
      assertEquals("flink", Dockerfile.last(chain, "USER"), target + ": the image's uid-9999 user");
    }
    assertEquals("cpu", PIPELINE.stages().get(PIPELINE.stages().size() - 1).name(), "CPU is the default target");
    String user = Dockerfile.last(TRAINING.chain(Map.of()), "USER");
    assertNotNull(user);
    assertFalse(user.equals("root") || user.equals("0"), "training runs as " + user);
  }

  static Map<String, String> env(List<Stage> chain) {
    Map<String, String> env = new HashMap<>();
    for (Stage s : chain) {
      for (Instruction i : s.all("ENV")) {
        for (String kv : i.rest().trim().split("\\s+")) {
          String[] p = kv.split("=", 2);
          env.put(p[0], p.length > 1 ? p[1] : "");
        }
      }
    }
    return env;
  }

  @Test
  void pipelineImageSettingsFollowTheStackNotes() {
    Map<String, String> cpu = env(PIPELINE.chain("cpu", Map.of()));
    assertEquals("dirty_decay_ms:-1,muzzy_decay_ms:-1", cpu.get("MALLOC_CONF"));
    assertEquals("PASSIVE", cpu.get("OMP_WAIT_POLICY"));
    String cache = cpu.get("DJL_CACHE_DIR");
    String runs = String.join("\n", PIPELINE.stage("base").all("RUN").stream().map(Instruction::rest).toList());
    assertTrue(runs.matches("(?s).*chown -R flink:flink [^\\n]*" + cache + ".*"), "DJL_CACHE_DIR must be writable by flink");
    assertNull(cpu.get("PYTORCH_FLAVOR"), "the CPU variant must not force DJL's download path");
    assertNull(cpu.get("PYTORCH_VERSION"), "the CPU variant must not force DJL's download path");

    Map<String, String> gpu = env(PIPELINE.chain("gpu", Map.of()));
    assertEquals("cu128", gpu.get("PYTORCH_FLAVOR"));
    // Equal to pytorch-engine's version, or DJL would download another libtorch at run time.
    assertEquals(BuildOutputs.pom(".").getElementsByTagName("pytorch.native.version").item(0).getTextContent().trim(),
        gpu.get("PYTORCH_VERSION"));
  }

  @Test
  void flinkOptionsBakedIntoTheImageAreRealAndLoadDjlParentFirst() {
    String run = PIPELINE.stage("base").all("RUN").stream().map(Instruction::rest)
        .filter(r -> r.contains("config-parser-utils.sh")).findFirst().orElseThrow();
    List<String> keys = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"-D([^=\"]+)=([^\"]*)\"").matcher(run);
    Map<String, String> conf = new HashMap<>();
    while (m.find()) {
      keys.add(m.group(1));
      conf.put(m.group(1), m.group(2));
    }
    assertFalse(keys.isEmpty());
    keys.forEach(k -> assertNull(FlinkOptions.problem(k)));
    assertEquals("ai.djl.", conf.get("classloader.parent-first-patterns.additional"));
    assertTrue(conf.get("env.java.opts.all").contains("-Dai.djl.offline=true"));
  }

  @Test
  void imagePathsMatchTheManifests() {
    String usrlib = PIPELINE.stage("base").all("COPY").stream().map(Instruction::operands)
        .filter(w -> w.get(0).endsWith("condensenet-pipeline-job.jar")).findFirst().orElseThrow().get(1);
    String jarUri = DeployFiles.only("FlinkDeployment").doc().at("/spec/job/jarURI").asText();
    assertEquals("local://" + usrlib, jarUri);
    // Standalone job clusters (compose) find the job jar in usrlib by themselves.
    assertTrue(usrlib.startsWith("/opt/flink/usrlib/"), usrlib);
  }

  @Test
  void trainingImageRunsTheTrainingJar() {
    List<Stage> chain = TRAINING.chain(Map.of());
    String jarDest = chain.stream().flatMap(st -> st.all("COPY").stream()).map(Instruction::operands)
        .filter(w -> w.get(0).endsWith("condensenet-training-cuda.jar")).findFirst().orElseThrow().get(1);
    assertEquals(KubernetesCrossCheckTest.TRAINING_JAR_IN_IMAGE, jarDest, "the jar path the training Job runs");
    String entrypoint = Dockerfile.last(chain, "ENTRYPOINT");
    assertTrue(entrypoint.contains("\"-jar\", \"" + jarDest + "\""), entrypoint);
    assertTrue(entrypoint.contains("-Dai.djl.offline=true"), entrypoint);
    assertTrue(TRAINING.resolve(chain.get(0).base(), Map.of()).startsWith("nvidia/cuda:"), "CUDA runtime base");
    // The Kubernetes Job runs as the uid the image creates, so files on the models PVC are its own.
    String runs = String.join("\n", chain.stream().flatMap(st -> st.all("RUN").stream()).map(Instruction::rest).toList());
    java.util.regex.Matcher uid = java.util.regex.Pattern.compile("useradd .*--uid (\\d+)").matcher(runs);
    assertTrue(uid.find(), runs);
    assertEquals(uid.group(1), DeployFiles.only("Job").doc().at("/spec/template/spec/securityContext/runAsUser").asText());
    assertEquals(Cli.TRAINING_CLI, BuildOutputs.pom("training").getElementsByTagName("mainClass").item(0).getTextContent().trim());
    assertNotNull(Cli.load(Cli.TRAINING_CLI), "the training CLI class exists");
  }

  /** The jars `mvn package` copies to pipeline/target/flink-lib/ for /opt/flink/lib: group path, artifact id. */
  static final String[][] FLINK_LIB_JARS = {
    {"ai/djl", "api"}, {"ai/djl/pytorch", "pytorch-engine"}, {"ai/djl/pytorch", "pytorch-jni"},
    {"ai/djl/pytorch", "pytorch-native-cpu"}, {"com/google/code/gson", "gson"}, {"net/java/dev/jna", "jna"},
    {"org/apache/commons", "commons-compress"}};

  /** The pom's flink-lib execution names exactly these jars; what it copies is checked by {@link FlinkLibIT}. */
  @Test
  void flinkLibExecutionNamesExactlyTheDjlJars() {
    Set<String> ids = new TreeSet<>();
    for (String[] e : FLINK_LIB_JARS) {
      ids.add(e[1]);
    }
    assertEquals(ids, new TreeSet<>(List.of(BuildOutputs.executionConfig("pipeline", "flink-lib", "includeArtifactIds").split(","))));
  }

  static String flinkVersion() {
    return BuildOutputs.pom(".").getElementsByTagName("flink.version").item(0).getTextContent().trim();
  }

  @Test
  void djlCudaCacheHelperCompilesAgainstDjl() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests run on a JDK");
    Path out = Files.createTempDirectory("warm-djl");
    StringWriter log = new StringWriter();
    boolean ok = javac.getTask(log, null, null,
        List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none"),
        null, javac.getStandardFileManager(null, null, null)
            .getJavaFileObjects(ROOT.resolve("docker/DjlCudaCache.java").toFile())).call();
    assertTrue(ok, log.toString());
  }
}
