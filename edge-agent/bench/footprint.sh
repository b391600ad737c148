#!/usr/bin/env bash
# The agent's memory and start-up footprint, before/after JVM options (io.edgeloop.agent.bench.FootprintBenchmark):
# idle RSS with no model, RSS serving a ~100 KB model under load (p50/p99 alongside), start-up time, threads, classes,
# and ONNX Runtime alone running the same model. Options are passed on as -Dbench.*, e.g.
#   edge-agent/bench/footprint.sh -Dbench.load-seconds=20 -Dbench.nmt=true
# "after" uses src/main/dist/agent-jvm.options (the recommended agent JVM options); "before" the launcher's options before
# issue 15 (-Xmx192m -XX:+UseSerialGC -XX:MaxMetaspaceSize=256m -Xss1m).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q package -DskipTests -pl edge-agent
./mvnw -B -o -q test-compile exec:java -pl edge-agent -Dbench.main=io.edgeloop.agent.bench.FootprintBenchmark "$@"
