#!/usr/bin/env bash
# as Kafka's bin/kafka-storage.sh (used by kafka-format.sh and kafka-init.sh)
export KAFKA_TOOL=1
KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties}" \
  exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
