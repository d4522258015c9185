#!/usr/bin/env bash
# Entrypoint of the Flink stand-in image (docker/test/standins/flink/Dockerfile); mirrors what the official
# image's entrypoint does for the commands compose and the Kubernetes operator use:
#   jobmanager [args]        session cluster entry point (StandaloneSessionClusterEntrypoint)
#   standalone-job [args]    application cluster running the job jar in /opt/flink/usrlib
#                            (StandaloneApplicationClusterEntryPoint; --job-classname, then the job's arguments)
#   taskmanager [args]       TaskManagerRunner
#   anything else            run as a command
# FLINK_PROPERTIES (one "key: value" per line) is applied to conf/config.yaml first. JVM memory flags and
# the TaskManager's derived sizes come from Flink's BashJavaUtils, as in bin/jobmanager.sh / taskmanager.sh;
# env.java.default-opts.all, env.java.opts.all and env.java.opts.<role> are passed to the JVM. jemalloc is
# preloaded unless DISABLE_JEMALLOC=true. Started as root, it drops to the flink user.
set -euo pipefail
FLINK_HOME=${FLINK_HOME:-/opt/flink}
conf=$FLINK_HOME/conf
lib=$FLINK_HOME/lib

as_flink() {
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=flink --regid=flink --init-groups "$@"
  fi
  exec "$@"
}

# Reads a flat key from config.yaml (the last occurrence wins, like the distribution's config.sh).
conf_value() {
  sed -n "s/^[ ]*$1[ ]*: \(.*\)$/\1/p" "$conf/config.yaml" | sed 's/^ *//;s/ *$//' | tail -n 1
}

apply_flink_properties() {
  [ -n "${FLINK_PROPERTIES:-}" ] || return 0
  local args=() line key value
  while IFS= read -r line; do
    [[ -z "${line//[[:space:]]/}" || "$line" =~ ^[[:space:]]*# ]] && continue
    key=${line%%:*}; value=${line#*:}
    key=$(echo "$key" | sed 's/^ *//;s/ *$//'); value=$(echo "$value" | sed 's/^ *//;s/ *$//')
    args+=("-D$key=$value")
  done <<< "$FLINK_PROPERTIES"
  "$FLINK_HOME/bin/config-parser-utils.sh" "$conf" "$FLINK_HOME/bin" "$lib" "${args[@]}"
}

# BashJavaUtils prints two result lines: JVM flags, then -D dynamic configs.
resource_params() {
  local out
  out=$(java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>&1) \
    || { echo "$out" >&2; exit 1; }
  printf '%s\n' "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

run() {
  local role=$1 main=$2; shift 2
  local params jvm dynamic
  params=$(resource_params "$( [ "$role" = taskmanager ] && echo GET_TM_RESOURCE_PARAMS || echo GET_JM_RESOURCE_PARAMS)")
  jvm=$(printf '%s\n' "$params" | head -n1)
  dynamic=$(printf '%s\n' "$params" | tail -n1)
  local opts
  opts="$(conf_value env.java.default-opts.all) $(conf_value env.java.opts.all) $(conf_value "env.java.opts.$role")"
  if [ "${DISABLE_JEMALLOC:-false}" != true ] && [ -f /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ]; then
    export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2${LD_PRELOAD:+:$LD_PRELOAD}
  fi
  # shellcheck disable=SC2086 # word splitting of the option strings is intended, as in flink-console.sh
  as_flink java $jvm ${JVM_ARGS:-} $opts -Dlog4j.configurationFile="file:$conf/log4j-console.properties" \
    -classpath "$lib/*" "$main" --configDir "$conf" $dynamic "$@"
}

case "${1:-help}" in
  jobmanager)
    shift; apply_flink_properties
    run jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --executionMode cluster "$@" ;;
  standalone-job)
    shift; apply_flink_properties
    run jobmanager org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint "$@" ;;
  taskmanager)
    shift; apply_flink_properties
    run taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$@" ;;
  help)
    echo "usage: (jobmanager|standalone-job|taskmanager) [args], or any command" ;;
  *)
    as_flink "$@" ;;
esac
