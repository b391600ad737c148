#!/bin/sh
# Entrypoint of the EdgeLoop JVM images (Dockerfile.jvm).
# A device's first credential comes read-only from a secret (DEVICE_CREDENTIAL_SEED: a file path); the agent keeps
# and renews its credential in EDGELOOP_AUTH_TOKEN_FILE, which must be writable (a volume). The seed is copied there,
# owner-only, only when that file does not exist yet, so a renewed credential survives restarts.
set -e
if [ -n "${DEVICE_CREDENTIAL_SEED:-}" ] && [ -n "${EDGELOOP_AUTH_TOKEN_FILE:-}" ] && [ ! -s "$EDGELOOP_AUTH_TOKEN_FILE" ]; then
  mkdir -p "$(dirname "$EDGELOOP_AUTH_TOKEN_FILE")"
  (umask 077 && cp "$DEVICE_CREDENTIAL_SEED" "$EDGELOOP_AUTH_TOKEN_FILE")
fi
# JAVA_OPTS is split into words on purpose (several options)
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar /app/quarkus-run.jar "$@"
