#!/usr/bin/env bash
# Stand-in for the distribution's bin/config-parser-utils.sh, same arguments:
#   config-parser-utils.sh CONF_DIR BIN_DIR LIB_DIR [-Dkey=value ...]
# Sets the given options in CONF_DIR/config.yaml with Flink's own BashJavaUtils (flink-runtime), which is what
# the distribution's script runs; the result is written flat (Flink reads flat and nested keys alike).
set -euo pipefail
conf=${1:?usage: config-parser-utils.sh CONF_DIR BIN_DIR LIB_DIR [-Dkey=value ...]}
lib=${3:?LIB_DIR}
shift 3
out=$(java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION \
      --configDir "$conf" "$@" -flatten 2>&1) || { echo "$out" >&2; exit 1; }
result=$(printf '%s\n' "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
[ -n "$result" ] || { echo "[ERROR] Could not parse configurations properly:" >&2; echo "$out" >&2; exit 1; }
printf '%s\n' "$result" > "$conf/config.yaml"
