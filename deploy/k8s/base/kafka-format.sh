#!/usr/bin/env bash
# Formats the broker's KRaft log directory once, with the super user 'admin' as a SCRAM-SHA-256 credential, before the
# broker starts (compose: service kafka-format; Kubernetes: the kafka pod's init container). The apache/kafka image
# formats the directory itself at start, but with the cluster id only (its KafkaDockerWrapper takes no --add-scram), and
# the broker needs admin's credential to exist for its own SCRAM inter-broker listener, as the embedded broker the
# launcher tests with (embedded/.../KafkaSecurity.java). The image's own format then finds the directory formatted
# and goes on. Every other user is created by kafka-init.sh once the broker runs.
# Reads: the broker's KAFKA_* settings and CLUSTER_ID (the same environment as the broker), the listener logins in
# /mnt/shared/config/server.properties and the admin password in $KAFKA_ADMIN_PASSWORD_FILE (edgeloop secrets init).
set -euo pipefail
: "${CLUSTER_ID:?}" "${KAFKA_LOG_DIRS:?}" "${KAFKA_ADMIN_PASSWORD_FILE:?}"
if [ -f "${KAFKA_LOG_DIRS%%,*}/meta.properties" ]; then
  echo "kafka-format: ${KAFKA_LOG_DIRS} is formatted already"
  exit 0
fi
umask 077
cfg="$(mktemp)"
trap 'rm -f "$cfg"' EXIT
cat >"$cfg" <<PROPS
process.roles=${KAFKA_PROCESS_ROLES}
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_CONTROLLER_QUORUM_VOTERS}
controller.listener.names=${KAFKA_CONTROLLER_LISTENER_NAMES}
listeners=${KAFKA_LISTENERS}
advertised.listeners=${KAFKA_ADVERTISED_LISTENERS}
listener.security.protocol.map=${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP}
inter.broker.listener.name=${KAFKA_INTER_BROKER_LISTENER_NAME}
sasl.enabled.mechanisms=${KAFKA_SASL_ENABLED_MECHANISMS}
sasl.mechanism.inter.broker.protocol=${KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL}
sasl.mechanism.controller.protocol=${KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL}
listener.name.controller.sasl.enabled.mechanisms=${KAFKA_LISTENER_NAME_CONTROLLER_SASL_ENABLED_MECHANISMS}
log.dirs=${KAFKA_LOG_DIRS}
PROPS
cat /mnt/shared/config/server.properties >>"$cfg"
# the password is on this short-lived process's command line, inside this container only
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" --config "$cfg" \
  --add-scram "SCRAM-SHA-256=[name=admin,password=$(cat "$KAFKA_ADMIN_PASSWORD_FILE")]"
