package dev.condensenet.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A compose file as Docker Compose sees it: YAML merge keys resolved, command lists as strings. */
final class Compose {
  /**
   * Service attributes of the Compose Specification; anything else is a typo that Compose would reject.
   * (x- extension fields are allowed everywhere.)
   */
  static final Set<String> SERVICE_KEYS = Set.of("annotations", "attach", "build", "blkio_config", "cap_add",
      "cap_drop", "cgroup", "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
      "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset",
      "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
      "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
      "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels",
      "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit",
      "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports",
      "post_start", "pre_stop", "privileged", "profiles", "pull_policy", "read_only", "restart", "runtime",
      "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal",
      "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "uts", "volumes",
      "volumes_from", "working_dir");
  static final Set<String> TOP_KEYS = Set.of("name", "services", "volumes", "networks", "configs", "secrets", "include", "version");

  private Compose() {}

  static JsonNode read(String file) {
    return merged(DeployFiles.readYaml(DeployFiles.docker().resolve(file)).get(0));
  }

  static Path file(String file) {
    return DeployFiles.docker().resolve(file);
  }

  /**
   * Resolves YAML merge keys ({@code <<: *anchor}), which Compose's YAML 1.1 parser applies and the YAML
   * 1.2 parser used here leaves as a literal "<<" key. Keys already present win, as in YAML 1.1.
   */
  static JsonNode merged(JsonNode node) {
    if (node instanceof ObjectNode o) {
      JsonNode merge = o.remove("<<");
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        e.setValue(merged(e.getValue()));
      }
      if (merge != null) {
        for (JsonNode source : merge.isArray() ? merge : List.of(merge)) {
          merged(source.deepCopy()).fields().forEachRemaining(e -> {
            if (!o.has(e.getKey())) {
              o.set(e.getKey(), e.getValue());
            }
          });
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, merged(a.get(i)));
      }
    }
    return node;
  }

  static List<String> list(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode()) {
      out.addAll(List.of(node.asText().trim().split("\\s+")));
    }
    return out;
  }
}
