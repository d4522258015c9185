package dev.condensenet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/**
 * The Flink configuration keys that really exist: every {@code ConfigOption} declared in a static field of
 * an {@code org.apache.flink.*Options} class on the test classpath (flink-core, -runtime, -streaming-java,
 * -clients, the Prometheus reporter ...). Deprecated keys are tracked separately so manifests use the
 * current names. Templated keys ({@code external-resource.<resource_name>.amount}) match any one segment;
 * reporter options ({@code MetricOptions} ones declared without a prefix, like {@code factory.class}, and
 * a reporter factory's {@code ARG_*} parameters, like the Prometheus {@code port}) are valid below
 * {@code metrics.reporter.<name>.}.
 */
final class FlinkOptions {
  /**
   * Keys declared by modules that Maven Central does not serve for 2.2.1 (flink-kubernetes,
   * flink-external-resource-gpu), so they cannot be read by reflection here. Each is documented in
   * Flink's configuration reference (see docs/design.md §9.5, §10).
   */
  static final Set<String> NOT_ON_CLASSPATH = Set.of(
      // org.apache.flink.kubernetes.configuration.KubernetesConfigOptions#EXTERNAL_RESOURCE_KUBERNETES_CONFIG_KEY_SUFFIX
      "external-resource.<resource_name>.kubernetes.config-key",
      // org.apache.flink.autoscaler.config.AutoScalerOptions (the Flink Kubernetes Operator's autoscaler, 1.15),
      // used by k8s/overlays/autoscaler; documented in the operator's configuration reference.
      "job.autoscaler.enabled", "job.autoscaler.stabilization.interval", "job.autoscaler.metrics.window",
      "job.autoscaler.target.utilization", "job.autoscaler.catch-up.duration",
      "job.autoscaler.vertex.max-parallelism", "job.autoscaler.vertex.min-parallelism");

  private static Set<String> current;
  private static Set<String> deprecated;
  private static List<Pattern> templates;
  private static Set<String> reporterScoped;

  private FlinkOptions() {}

  /** Null when the key is a real, current Flink option; otherwise why not. */
  static String problem(String key) {
    load();
    if (current.contains(key)) {
      return null;
    }
    if (deprecated.contains(key)) {
      return key + " is a deprecated Flink key; use its current name";
    }
    for (Pattern p : templates) {
      if (p.matcher(key).matches()) {
        return null;
      }
    }
    String[] reporter = key.split("\\.", 4);
    if (reporter.length == 4 && reporter[0].equals("metrics") && reporter[1].equals("reporter")
        && reporterScoped.contains(reporter[3])) {
      return null;
    }
    return key + " is not a Flink configuration option";
  }

  private static synchronized void load() {
    if (current != null) {
      return;
    }
    Set<String> keys = new HashSet<>();
    Set<String> old = new HashSet<>();
    Set<String> scoped = new HashSet<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.endsWith(".jar") || !Path.of(entry).getFileName().toString().startsWith("flink-")) {
        continue;
      }
      for (Class<?> c : optionClasses(entry)) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) {
            continue;
          }
          try {
            f.setAccessible(true);
            if (f.getType() == ConfigOption.class) {
              ConfigOption<?> o = (ConfigOption<?>) f.get(null);
              if (o.key().startsWith("<")) {
                continue; // a bare "<parameter>" placeholder names no real key
              }
              // MetricOptions declares reporter options ("factory.class", "interval" ...) without their
              // "metrics.reporter.<name>." prefix; every other option carries its full key.
              boolean reporterScoped = c == MetricOptions.class && !o.key().startsWith("metrics.");
              (reporterScoped ? scoped : keys).add(o.key());
              for (FallbackKey k : o.fallbackKeys()) {
                (k.isDeprecated() ? old : keys).add(k.getKey());
              }
            } else if (f.getType() == String.class && f.getName().startsWith("ARG_")) {
              // Reporter factories read plain parameters, e.g. PrometheusReporterFactory.ARG_PORT = "port".
              scoped.add((String) f.get(null));
            }
          } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // A class whose static state cannot be read here adds no keys.
          }
        }
      }
    }
    keys.addAll(NOT_ON_CLASSPATH);
    old.removeAll(keys);
    templates = keys.stream()
        .filter(k -> k.contains("<"))
        .map(k -> Pattern.compile(Pattern.quote(k).replaceAll("<[^>]+>", "\\\\E[^.]+\\\\Q")))
        .toList();
    deprecated = old;
    reporterScoped = scoped;
    current = keys;
  }

  private static List<Class<?>> optionClasses(String jar) {
    try (JarFile jf = new JarFile(jar)) {
      return Collections.list(jf.entries()).stream()
          .map(e -> e.getName())
          .filter(n -> n.startsWith("org/apache/flink/") && (n.endsWith("Options.class") || n.endsWith("ReporterFactory.class")) && !n.contains("$"))
          .filter(n -> !n.contains("/shaded/"))
          .<Class<?>>map(n -> {
            try {
              return Class.forName(n.replace('/', '.').replace(".class", ""), false, FlinkOptions.class.getClassLoader());
            } catch (ReflectiveOperationException | LinkageError e) {
              return null; // e.g. connector table options whose optional dependencies are absent
            }
          })
          .filter(c -> c != null)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
