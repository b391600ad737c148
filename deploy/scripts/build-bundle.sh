#!/usr/bin/env bash
# Builds the edge agent's self-contained device bundle (edge-agent/src/main/dist/make-bundle.sh: jlink runtime, app,
# start script) from the packaged agent, for FleetEndToEndIT, which runs one of its devices from the unpacked bundle
# with no Java installed for it. Run by deploy's build before the integration tests (pre-integration-test); does
# nothing when tests are skipped.
#   usage: build-bundle.sh <repository root> <version> [--skip-if <skipTests> <skipITs>]
set -euo pipefail
ROOT=$(cd "$1" && pwd)
VERSION=$2
if [ "${3:-}" = "--skip-if" ]; then
  if [ "${4:-false}" = "true" ] || [ "${5:-false}" = "true" ]; then
    exit 0
  fi
fi
if [ ! -f "$ROOT/edge-agent/target/quarkus-app/quarkus-run.jar" ]; then
  echo "build-bundle: edge-agent is not packaged ($ROOT/edge-agent/target/quarkus-app); run ./mvnw install first" >&2
  exit 1
fi
exec bash "$ROOT/edge-agent/src/main/dist/make-bundle.sh" "$ROOT/edge-agent/target" "$VERSION"
