package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condensenet.deploy.Dockerfile.Instruction;
import dev.condensenet.deploy.Dockerfile.Stage;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GPU images get a CUDA libtorch that DJL will load and a libcudart it will find (docker/Dockerfile.pipeline
 * target gpu, docker/Dockerfile.training). Static: no GPU and no registry here; the container tier builds the
 * dry-run targets and runs the same DjlCudaCache checks inside them (docker/test/run.sh).
 */
class GpuImagesTest {
  static final Dockerfile PIPELINE = DockerfilesTest.PIPELINE;
  static final Dockerfile TRAINING = DockerfilesTest.TRAINING;
  static final Pattern JAVA_CP = Pattern.compile("java -cp \"?([^\" ]+)\"? (\\S+) (\\S+)");

  /** The runtime classpath of each image: where DJL really runs. */
  static final String FLINK_CLASSPATH = "/opt/flink/lib/*:/opt/condensenet/tools";
  static final String TRAINING_CLASSPATH = DockerfilesTest.TRAINING_JAR + ":/opt/condensenet/tools";

  static List<String> helperRuns(List<Stage> chain) {
    return chain.stream().flatMap(s -> s.all("RUN").stream()).map(Instruction::rest)
        .filter(r -> r.contains("DjlCudaCache download") || r.contains("DjlCudaCache verify")).toList();
  }

  /**
   * Defects 1 and 2 of issue 14: the cu128 cache was laid out in a JDK stage with pipeline/target/flink-lib on
   * the classpath — no SLF4J there (NoClassDefFoundError, the build failed) and pytorch-native-cpu there (DJL
   * takes the CPU jar and ignores PYTORCH_FLAVOR). Now every step that starts DJL for the cache runs in the
   * image itself, on the classpath the TaskManager or the training CLI runs with.
   */
  @Test
  void cudaLibtorchIsLaidOutAndVerifiedOnTheImagesOwnClasspath() {
    for (String target : List.of("gpu", "gpu-dry-run")) {
      List<Stage> chain = PIPELINE.chain(target, Map.of());
      assertEquals("${FLINK_IMAGE}", chain.get(0).base(), target + ": built on the Flink image");
      List<String> runs = helperRuns(chain);
      assertTrue(runs.stream().anyMatch(r -> r.contains("DjlCudaCache verify")), target + ": verified at build time");
      for (String r : runs) {
        for (Matcher m = JAVA_CP.matcher(r); m.find(); ) {
          assertEquals(FLINK_CLASSPATH, m.group(1), target + ": " + r);
        }
      }
    }
    assertTrue(helperRuns(PIPELINE.chain("gpu", Map.of())).stream().anyMatch(r -> r.contains("DjlCudaCache download")));
    for (String target : List.of("image", "dry-run")) {
      List<Stage> chain = TRAINING.chain(target, Map.of());
      List<String> runs = helperRuns(chain);
      assertTrue(runs.stream().anyMatch(r -> r.contains("DjlCudaCache verify")), target);
      for (String r : runs) {
        for (Matcher m = JAVA_CP.matcher(r); m.find(); ) {
          assertEquals(TRAINING_CLASSPATH, m.group(1), target + ": " + r);
        }
      }
    }
  }

  /** Defect 2: the jars on the GPU TaskManager's classpath are the DJL jars without pytorch-native-cpu. */
  @Test
  void gpuTaskManagerClasspathHasNoCpuNativeJar() {
    List<Stage> chain = PIPELINE.chain("gpu", Map.of());
    List<List<String>> libCopies = chain.stream().flatMap(s -> s.all("COPY").stream())
        .filter(i -> i.operands().get(i.operands().size() - 1).startsWith("/opt/flink/lib")).map(Instruction::operands).toList();
    assertFalse(libCopies.isEmpty());
    for (List<String> copy : libCopies) {
      assertFalse(copy.get(0).startsWith("pipeline/target/flink-lib"), "the GPU image copies the CPU natives: " + copy);
    }
    String tools = String.join("\n", PIPELINE.stage("djl-tools").all("RUN").stream().map(Instruction::rest).toList());
    assertTrue(tools.contains("rm /djl/lib-cuda/pytorch-native-cpu-*.jar"), tools);
    assertTrue(chain.stream().flatMap(s -> s.all("COPY").stream()).anyMatch(i -> i.rest().contains("/djl/lib-cuda/ /opt/flink/lib/")));
  }

  /**
   * Defect 3: the training image ran the fat jar, whose bundled CPU libtorch DJL always prefers, so --device gpu
   * saw 0 GPUs. The image runs the jar with those entries stripped.
   */
  @Test
  void trainingImageRunsTheJarWithoutItsCpuLibtorch() {
    for (String target : List.of("image", "dry-run")) {
      List<Stage> chain = TRAINING.chain(target, Map.of());
      String entrypoint = Dockerfile.last(chain, "ENTRYPOINT");
      assertTrue(entrypoint.contains(DockerfilesTest.TRAINING_JAR), entrypoint);
      List<String> source = chain.stream().flatMap(s -> s.all("COPY").stream()).map(Instruction::operands)
          .filter(w -> w.get(w.size() - 1).equals(DockerfilesTest.TRAINING_JAR)).findFirst().orElseThrow();
      assertFalse(source.get(0).startsWith("training/target/"), target + ": the fat jar with CPU libtorch: " + source);
      assertEquals("/djl/condensenet-training-cuda.jar", source.get(0));
    }
    String tools = String.join("\n", TRAINING.stage("djl-tools").all("RUN").stream().map(Instruction::rest).toList())
        .replaceAll("\\s+", " ");
    assertTrue(tools.contains("DjlCudaCache strip-cpu-natives /djl/condensenet-training.jar /djl/condensenet-training-cuda.jar"), tools);
  }

  /**
   * Defect 4: DJL counts GPUs through libcudart, which the Flink image does not have; both GPU images put a
   * libcudart.so on LD_LIBRARY_PATH. And compose's GPU overlay passed no --device, so a TaskManager without a
   * GPU ran on the CPU without a word: it passes --device gpu.
   */
  @Test
  void libcudartIsOnTheLibraryPathAndTheGpuOverlayAsksForTheGpu() {
    for (Dockerfile d : List.of(PIPELINE, TRAINING)) {
      for (String target : d == PIPELINE ? List.of("gpu", "gpu-dry-run") : List.of("image", "dry-run")) {
        List<Stage> chain = d.chain(target, Map.of());
        String ld = DockerfilesTest.env(chain).get("LD_LIBRARY_PATH");
        assertTrue(ld != null && ld.split(":")[0].equals("/opt/cuda/lib"), target + ": LD_LIBRARY_PATH " + ld);
        String runs = String.join("\n", chain.stream().flatMap(s -> s.all("RUN").stream()).map(Instruction::rest).toList());
        assertTrue(runs.contains("/opt/cuda/lib/libcudart.so"), target + ": libcudart.so linked into /opt/cuda/lib");
      }
    }
    List<String> base = Compose.list(ComposeTest.SERVICES.at("/jobmanager/command"));
    List<String> gpu = Compose.list(Compose.read("compose.gpu.yaml").at("/services/jobmanager/command"));
    assertEquals("cpu", KubernetesCrossCheckTest.flag(base, "--device"));
    assertEquals("gpu", KubernetesCrossCheckTest.flag(gpu, "--device"));
    int i = base.indexOf("--device");
    List<String> expected = new java.util.ArrayList<>(base);
    expected.set(i + 1, "gpu");
    assertEquals(expected, gpu, "the overlay repeats compose.yaml's command with --device gpu, nothing else");
    Cli.parseCommand(Cli.required(Cli.JOB_MAIN), gpu.subList(3, gpu.size()));
  }
}
