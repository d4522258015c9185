package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@code kubectl kustomize}, the renderer `kubectl apply -k` uses (kustomize built into kubectl). */
final class Kubectl {
  private Kubectl() {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The rendered YAML of a kustomization directory; fails with kustomize's own message when it cannot render. */
  static String kustomize(Path dir) {
    if (!available()) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("kubectl is not installed: CI renders every k8s/overlays/* with `kubectl kustomize`");
      }
      assumeTrue(false, "ASSUMPTION: kubectl is not installed, so k8s/overlays/* are not rendered here (CI does)");
    }
    try {
      Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
      byte[] err = new byte[0];
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("kubectl kustomize " + dir + " failed: " + new String(err, StandardCharsets.UTF_8));
      }
      return out;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cannot run kubectl kustomize " + dir, e);
    }
  }
}
