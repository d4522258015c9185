#!/usr/bin/env bash
# Runs a Kafka class on the image's jars, honouring KAFKA_HEAP_OPTS, KAFKA_OPTS and KAFKA_LOG4J_OPTS as the
# distribution's script does (tools log warnings only unless KAFKA_LOG4J_OPTS says otherwise).
set -euo pipefail
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties}
# shellcheck disable=SC2086 # option strings are split on purpose
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} $log4j -cp "/opt/kafka/libs/*" "$@"
