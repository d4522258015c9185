import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Build-time helper for the GPU variants of docker/Dockerfile.*: makes DJL download the libtorch build
 * named by PYTORCH_VERSION/PYTORCH_FLAVOR into DJL_CACHE_DIR, so the image later starts offline. Maven
 * Central has no CUDA native jar for libtorch 2.7.1. The build machine has no GPU, so loading the CUDA
 * build may fail after the download; what matters is that the libraries are in the cache.
 * Usage: DJL_CACHE_DIR=D PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 java -cp 'lib/*' WarmDjlCache.java
 */
public final class WarmDjlCache {
  public static void main(String[] args) throws Exception {
    String flavor = System.getenv("PYTORCH_FLAVOR");
    Path cache = Path.of(System.getenv("DJL_CACHE_DIR"), "pytorch");
    try {
      System.out.println("engine loaded: PyTorch " + Engine.getEngine("PyTorch").getVersion());
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      System.out.println("engine did not load here (expected without a GPU): " + e);
    }
    try (Stream<Path> dirs = Files.list(cache)) {
      Path dir = dirs.filter(d -> d.getFileName().toString().contains("-" + flavor + "-"))
          .filter(d -> Files.isRegularFile(d.resolve("libtorch.so")))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + flavor + " libtorch in " + cache));
      System.out.println("DJL cache ready: " + dir);
    }
  }
}
