#!/usr/bin/env bash
# Starts the broker as the apache/kafka image does, for the settings the compose file uses: every KAFKA_* variable
# (but the JVM ones) becomes a property (KAFKA_ dropped, lower case, '___' -> '-', '__' -> '_', '_' -> '.'), the
# mounted /mnt/shared/config/server.properties (the listener logins) is appended, the log directory is formatted with
# CLUSTER_ID when it is not yet (kafka-format.sh formats it first, with admin's SCRAM credential), then kafka.Kafka runs.
# Arguments, when given, are run instead (see below).
set -euo pipefail
# a command instead of the broker (Quarkus Dev Services: a shell that waits for /work/run.sh, which runs /work/kafka)
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
: "${CLUSTER_ID:?CLUSTER_ID is required}"
cfg=/opt/kafka/config/server.properties
umask 077
: >"$cfg"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JMX_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_GC_LOG_OPTS \
      | KAFKA_ADMIN_PASSWORD_FILE | KAFKA_BOOTSTRAP | KAFKA_LOGINS | KAFKA_VERSION) continue ;;
  esac
  key="${name#KAFKA_}"
  key="$(printf '%s' "$key" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')"
  printf '%s=%s\n' "$key" "$value" >>"$cfg"
done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' || true)
if [ -f /mnt/shared/config/server.properties ]; then
  cat /mnt/shared/config/server.properties >>"$cfg"
fi
logdir="$(sed -n 's/^log\.dirs=//p' "$cfg" | tail -1)"
if [ ! -f "${logdir%%,*}/meta.properties" ]; then
  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" --config "$cfg"
fi
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$cfg"
