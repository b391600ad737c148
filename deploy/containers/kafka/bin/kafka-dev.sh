#!/usr/bin/env bash
# /work/kafka: the broker as Quarkus' Kafka Dev Services start it (provider kafka-native): the container runs
# `sh -c "while [ ! -f /work/run.sh ]; do sleep 0.1; done; /work/run.sh"`, Quarkus writes run.sh once the port is
# mapped, and run.sh calls `/work/kafka -Dkafka.<property>=<value> ...` (advertised listeners and, on a shared network,
# the listener layout). A single-node KRaft broker and controller, plaintext, topics created on first use, replication
# 1; every -Dkafka.* argument overrides a default. Quarkus waits for the line "Kafka broker started".
set -euo pipefail
cfg=/tmp/kafka-dev/server.properties
data=/tmp/kafka-dev/data
mkdir -p "$data"
declare -A props=(
  [node.id]=1
  [process.roles]=broker,controller
  [listeners]=BROKER://:9093,PLAINTEXT://:9092,CONTROLLER://:9094
  [advertised.listeners]=PLAINTEXT://localhost:9092
  [inter.broker.listener.name]=BROKER
  [controller.listener.names]=CONTROLLER
  [listener.security.protocol.map]=BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
  [controller.quorum.voters]=1@127.0.0.1:9094
  [log.dirs]="$data"
  [num.partitions]=1
  [auto.create.topics.enable]=true
  [offsets.topic.replication.factor]=1
  [transaction.state.log.replication.factor]=1
  [transaction.state.log.min.isr]=1
  [share.coordinator.state.topic.replication.factor]=1
  [share.coordinator.state.topic.min.isr]=1
  [group.initial.rebalance.delay.ms]=0
)
for arg in "$@"; do
  case "$arg" in
    -Dkafka.*=*)
      kv="${arg#-Dkafka.}"
      props["${kv%%=*}"]="${kv#*=}"
      ;;
    *) echo "kafka-dev: ignoring argument $arg" >&2 ;;
  esac
done
# the brokers talk to each other on BROKER: advertise it when Quarkus advertised the client listener only
case "${props[advertised.listeners]}" in
  *BROKER://*) ;;
  *) props[advertised.listeners]="${props[advertised.listeners]},BROKER://127.0.0.1:9093" ;;
esac
: >"$cfg"
for k in "${!props[@]}"; do
  printf '%s=%s\n' "$k" "${props[$k]}" >>"$cfg"
done
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id MkU3OEVBNTcwNTJENDM2Qk \
  --config "$cfg" >/dev/null
log=/tmp/kafka-dev/server.log
/opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$cfg" > >(tee "$log") 2>&1 &
pid=$!
until grep -q "Kafka Server started" "$log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "kafka-dev: the broker exited" >&2; exit 1; }
  sleep 0.2
done
echo "Kafka broker started"
wait "$pid"
