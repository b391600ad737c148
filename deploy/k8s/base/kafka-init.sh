#!/usr/bin/env bash
# Creates the loop's topics (with their dead-letter topics), one SCRAM-SHA-256 user per service (and the console) and
# its ACLs, as the super user, once the broker answers (compose: service kafka-init; Kubernetes: Job kafka-init). Safe
# to run again: topics are created if missing, users get their password again, ACLs that exist are left.
# The grants are those of the launcher's tested setup (deploy/src/main/java/io/edgeloop/deploy/KafkaAccess.java;
# DeploymentManifestsTest compares them): a service writes only its own events and the dead-letter topics of what it
# consumes, reads only what it consumes (and those dead-letter topics, to list and replay them), in consumer groups
# whose names start with its own; the console reads the event topics. The broker refuses everything else
# (StandardAuthorizer, allow.everyone.if.no.acl.found=false, super user admin only).
# Reads: $KAFKA_LOGINS/admin-client.properties (admin's client login) and $KAFKA_LOGINS/<user>.password.
set -euo pipefail
: "${KAFKA_LOGINS:?}"
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
admin="$KAFKA_LOGINS/admin-client.properties"
bin=/opt/kafka/bin

for i in $(seq 1 60); do
  if "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --list >/dev/null 2>&1; then
    break
  fi
  [ "$i" = 60 ] && { echo "kafka-init: no answer from $bootstrap as admin" >&2; exit 1; }
  echo "kafka-init: waiting for $bootstrap"
  sleep 5
done

for topic in data-ready model-trained model-optimized deployed drift-detected sample-labelled sample-captured; do
  for t in "$topic" "$topic-dlq"; do
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" \
      --create --if-not-exists --topic "$t" --partitions 1 --replication-factor 1
  done
done

acl() {
  local user="$1"
  shift
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --add \
    --allow-principal "User:$user" "$@"
}

# grant USER "TOPICS IT WRITES" "TOPICS IT READS"
grant() {
  local user="$1" produces="$2" consumes="$3" t
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --alter \
    --entity-type users --entity-name "$user" \
    --add-config "SCRAM-SHA-256=[iterations=8192,password=$(cat "$KAFKA_LOGINS/$user.password")]"
  for t in $produces; do
    acl "$user" --operation Write --operation Describe --topic "$t"
  done
  for t in $consumes; do
    acl "$user" --operation Read --operation Describe --topic "$t"
  done
  if [ -n "$consumes" ]; then
    acl "$user" --operation Read --group "$user" --resource-pattern-type prefixed
  fi
}

grant data-service "data-ready drift-detected-dlq sample-labelled-dlq sample-captured-dlq" "drift-detected sample-labelled sample-captured drift-detected-dlq sample-labelled-dlq sample-captured-dlq"
grant training-service "model-trained data-ready-dlq" "data-ready data-ready-dlq"
grant compiler-service "model-optimized model-trained-dlq deployed-dlq" "model-trained deployed model-trained-dlq deployed-dlq"
grant registry-service "deployed-dlq model-trained-dlq" "deployed model-trained deployed-dlq model-trained-dlq"
grant deployment-service "deployed model-optimized-dlq" "model-optimized model-optimized-dlq"
grant monitoring-service "drift-detected sample-labelled sample-captured data-ready-dlq deployed-dlq" "data-ready deployed data-ready-dlq deployed-dlq"
# the web console reads every event topic (its overview's live stream) and writes nothing
grant console "" "data-ready model-trained model-optimized deployed drift-detected sample-labelled sample-captured"
echo "kafka-init: topics, users and ACLs are in place"
