#!/usr/bin/env bash
# Runs a Kafka main class on the image's jars. KAFKA_HEAP_OPTS and KAFKA_OPTS as in Kafka's own scripts; the CLI
# tools (kafka-*.sh, KAFKA_TOOL=1) start with a small heap and C1 only, as kafka-init.sh runs dozens of them.
# Logging: /opt/kafka/config/log4j2.properties (KAFKA_LOG4J_OPTS overrides it).
set -euo pipefail
if [ "${KAFKA_TOOL:-0}" = 1 ]; then
  jvm="${KAFKA_HEAP_OPTS:--Xmx128m} -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
else
  jvm="${KAFKA_HEAP_OPTS:--Xmx512m}"
fi
# shellcheck disable=SC2086 # the *_OPTS variables hold several options on purpose
exec java $jvm -XX:+UseSerialGC ${KAFKA_OPTS:-} \
  ${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties} \
  -cp '/opt/kafka/libs/*' "$@"
