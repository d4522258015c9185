import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build-time helper of the GPU images (docker/Dockerfile.pipeline targets gpu and gpu-dry-run, docker/Dockerfile.training):
 * puts CUDA libtorch where DJL 0.36 looks for it and checks, on the image's own classpath, that DJL will take
 * it. Facts from DJL's LibUtils/Platform (v0.36.0): with pytorch-native-cpu on the classpath DJL always loads
 * the CPU build and ignores PYTORCH_FLAVOR; without it, and with PYTORCH_VERSION equal to pytorch-engine's
 * version, it uses $DJL_CACHE_DIR/pytorch/VERSION-FLAVOR-linux-x86_64/ when libtorch.so is there (no
 * network), else downloads; the cu128 JNI library comes from the pytorch-jni jar. DJL counts GPUs through
 * libcudart loaded by JNA ("cudart"), so libcudart must be on the library path. Maven Central has no CUDA
 * libtorch jar. Commands (environment: DJL_CACHE_DIR, PYTORCH_VERSION, PYTORCH_FLAVOR):
 * <pre>
 *   download                        let DJL download FLAVOR libtorch into the cache (needs network)
 *   dry-run-layout CPU_NATIVE_JAR   lay out the FLAVOR cache directory offline from the CPU libtorch jar and
 *                                   the CPU JNI library: a test double that lets a machine without network
 *                                   or GPU check the image's wiring; it is not a CUDA build (marked DRY-RUN)
 *   strip-cpu-natives IN.jar OUT.jar  copy a fat jar without the CPU libtorch it bundles
 *   verify                          on the image classpath: no CPU natives, the cache holds FLAVOR libtorch,
 *                                   libcudart loads from the library path; after a dry-run layout DJL is also
 *                                   started and must have loaded the FLAVOR directory
 * </pre>
 * Exit status 1 with an "error:" line when a check fails.
 */
public final class DjlCudaCache {
  static final String CPU_NATIVE_MARKER = "native/lib/pytorch.properties";
  static final String DRY_RUN_MARKER = "DRY-RUN-NOT-A-CUDA-BUILD";

  public static void main(String[] args) throws Exception {
    try {
      switch (args.length == 0 ? "" : args[0]) {
        case "download" -> download();
        case "dry-run-layout" -> dryRunLayout(Path.of(args[1]));
        case "strip-cpu-natives" -> strip(Path.of(args[1]), Path.of(args[2]));
        case "verify" -> verify();
        default -> throw new IllegalArgumentException("usage: download | dry-run-layout CPU_NATIVE_JAR"
            + " | strip-cpu-natives IN.jar OUT.jar | verify");
      }
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set");
    }
    return v;
  }

  /** The directory DJL uses for PYTORCH_VERSION/PYTORCH_FLAVOR on linux-x86_64. */
  static Path flavorDir() {
    return Path.of(env("DJL_CACHE_DIR"), "pytorch",
        env("PYTORCH_VERSION") + "-" + env("PYTORCH_FLAVOR") + "-linux-x86_64");
  }

  static void download() {
    System.setProperty("ai.djl.offline", "false");
    try {
      System.out.println("engine loaded: PyTorch " + Engine.getEngine("PyTorch").getVersion());
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      // libcaffe2_nvrtc needs the driver's libcuda.so.1, which a build machine without a GPU lacks; the
      // download happens before that load, and verify checks what it left.
      System.out.println("engine did not load on this build machine (no NVIDIA driver here): " + e.getMessage());
    }
    if (!Files.isRegularFile(flavorDir().resolve("libtorch.so"))) {
      throw new IllegalStateException("DJL did not download " + flavorDir() + ": no network at build time?");
    }
  }

  static void dryRunLayout(Path cpuNativeJar) throws IOException {
    Path dir = flavorDir();
    Files.createDirectories(dir);
    String prefix = "pytorch/cpu/linux-x86_64/";
    int n = 0;
    try (ZipFile zip = new ZipFile(cpuNativeJar.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (e.getName().startsWith(prefix) && !e.isDirectory()) {
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, dir.resolve(e.getName().substring(prefix.length())), StandardCopyOption.REPLACE_EXISTING);
            n++;
          }
        }
      }
    }
    if (n == 0) {
      throw new IllegalStateException(cpuNativeJar + " holds no " + prefix + " libraries");
    }
    // The cu128 JNI library needs libtorch_cuda.so, which a CPU build lacks: DJL looks for the JNI library
    // in the libtorch directory first, so the CPU one goes there under DJL's name for it.
    try (InputStream jni = resource("jnilib/linux-x86_64/cpu/libdjl_torch.so")) {
      Files.copy(jni, dir.resolve(apiVersion() + "-libdjl_torch.so"), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(dir.resolve(DRY_RUN_MARKER), "CPU libtorch laid out under the " + env("PYTORCH_FLAVOR")
        + " name for a dry run of the GPU image; not a CUDA build.\n");
    System.out.println("dry-run layout: " + n + " CPU libtorch files in " + dir);
  }

  static void strip(Path in, Path out) throws IOException {
    int dropped = 0;
    try (ZipFile zip = new ZipFile(in.toFile());
         OutputStream os = Files.newOutputStream(out);
         ZipOutputStream zout = new ZipOutputStream(os)) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (e.getName().startsWith("pytorch/cpu/") || e.getName().equals(CPU_NATIVE_MARKER)) {
          dropped++;
          continue;
        }
        zout.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream is = zip.getInputStream(e)) {
          is.transferTo(zout);
        }
        zout.closeEntry();
      }
    }
    if (dropped == 0) {
      throw new IllegalStateException(in + " bundles no CPU libtorch: nothing to strip");
    }
    System.out.println("wrote " + out + " without the " + dropped + " CPU libtorch entries of " + in);
  }

  static void verify() throws IOException {
    List<URL> cpu = Collections.list(DjlCudaCache.class.getClassLoader().getResources(CPU_NATIVE_MARKER));
    if (!cpu.isEmpty()) {
      throw new IllegalStateException("the CPU libtorch jar is on the classpath (" + cpu.get(0)
          + "): DJL would load it and ignore PYTORCH_FLAVOR");
    }
    String engineVersion = engineProperties().getProperty("pytorch_version");
    if (!env("PYTORCH_VERSION").equals(engineVersion)) {
      throw new IllegalStateException("PYTORCH_VERSION " + env("PYTORCH_VERSION") + " is not pytorch-engine's "
          + engineVersion + ": DJL would try to download that version at run time");
    }
    Path dir = flavorDir();
    if (!Files.isRegularFile(dir.resolve("libtorch.so"))) {
      throw new IllegalStateException("no libtorch.so in " + dir + ": DJL would try to download it at run time");
    }
    boolean dryRun = Files.exists(dir.resolve(DRY_RUN_MARKER));
    if (!dryRun && !Files.isRegularFile(dir.resolve("libtorch_cuda.so"))) {
      throw new IllegalStateException(dir + " has no libtorch_cuda.so: not a CUDA build of libtorch");
    }
    String jni = "jnilib/linux-x86_64/" + env("PYTORCH_FLAVOR") + "/libdjl_torch.so";
    if (!dryRun && DjlCudaCache.class.getClassLoader().getResource(jni) == null) {
      throw new IllegalStateException("pytorch-jni has no " + jni);
    }
    String cudart;
    try {
      cudart = NativeLibrary.getInstance("cudart").getFile().getPath();
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException("libcudart is not on the library path (LD_LIBRARY_PATH="
          + System.getenv("LD_LIBRARY_PATH") + "): DJL would count 0 GPUs on a GPU node");
    }
    System.out.println("libtorch for DJL: " + dir + (dryRun ? " (dry-run layout of CPU libraries)" : ""));
    System.out.println("libcudart: " + cudart);
    if (dryRun) {
      System.setProperty("ai.djl.offline", "true");
      Engine engine = Engine.getEngine("PyTorch");
      Path loaded = Path.of(LibUtils.getLibtorchPath());
      if (!loaded.equals(dir)) {
        throw new IllegalStateException("DJL loaded libtorch from " + loaded + ", not " + dir);
      }
      System.out.println("DJL loaded libtorch from " + loaded + "; GPUs visible: " + engine.getGpuCount());
    }
  }

  static String apiVersion() throws IOException {
    return engineProperties().getProperty("djl_version");
  }

  static Properties engineProperties() throws IOException {
    Properties p = new Properties();
    try (InputStream in = resource("pytorch-engine.properties")) {
      p.load(in);
    }
    return p;
  }

  static InputStream resource(String name) {
    InputStream in = DjlCudaCache.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the classpath");
    }
    return in;
  }
}
