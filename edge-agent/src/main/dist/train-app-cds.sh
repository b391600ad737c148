#!/usr/bin/env bash
# Writes the agent's class data sharing archive <quarkus-app>/app-cds.jsa from a training run (issue 15, README
# "Footprint"): the packaged agent starts with -XX:ArchiveClassesAtExit and the recommended options (agent-jvm.options),
# with an empty model dir, fleet sync and telemetry sending off, on random loopback ports; it answers its health
# endpoints once (what a launcher or probe asks first), then stops (SIGTERM) and the JVM writes the classes it loaded.
# Quarkus' own archive (quarkus.package.jar.appcds.enabled) is written by a run that stops after static init, so the
# ~3200 classes of runtime init and of the first request were read from the jars and verified at every start. The
# archive is mapped whole (and relocated) at every start, so it holds only what every start loads: classes of the
# fleet sync, of inference or of ONNX Runtime would add resident memory to an agent that does not use them yet.
# Run by the build (package phase, after Quarkus); on any failure it warns and leaves Quarkus' archive in place
# (the build does not fail for it).
#   usage: train-app-cds.sh <quarkus-app dir> <java> <agent-jvm.options>
set -uo pipefail
APP=$1
JAVA=$2
OPTIONS=$3
TIMEOUT_S=${AGENT_CDS_TIMEOUT_S:-120}

if [ ! -f "$APP/quarkus-run.jar" ]; then
    echo "train-app-cds: no $APP/quarkus-run.jar (not a fast-jar build): skipped"
    exit 0
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agent-cds.XXXXXX")
PID=
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2> /dev/null; then
        kill -KILL "$PID" 2> /dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
give_up() {
    echo "train-app-cds: WARNING $1; left $APP/app-cds.jsa as it was (Quarkus': static init only)." \
        "Training log:" >&2
    tail -n 20 "$WORK/agent.log" >&2 2> /dev/null
    exit 0
}

# one GET over bash's /dev/tcp (no HTTP client needed on the build machine); the answer is read and dropped
http_get() {
    exec 3<> "/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
    while IFS= read -r -t 10 _ <&3; do :; done
    exec 3<&-
}

# waits until the command "$@" succeeds (polled every 0.1 s), giving up when the agent exits or after TIMEOUT_S
await() {
    local tenths=0
    until "$@"; do
        kill -0 "$PID" 2> /dev/null || give_up "the training agent exited"
        [ "$tenths" -lt $((TIMEOUT_S * 10)) ] || give_up "the training agent did not start in ${TIMEOUT_S}s"
        sleep 0.1
        tenths=$((tenths + 1))
    done
}
http_port() { grep -o 'Listening on: http://[^ ]*' "$WORK/agent.log" 2> /dev/null | sed 's/.*://'; }
started() { [ -n "$(http_port)" ]; }

OPTS=$(grep -v '^[[:space:]]*#' "$OPTIONS" | grep -v SharedArchiveFile | tr '\n' ' ')
: > "$WORK/verify-key.pem" # the agent only checks that the verification key is readable; no token is verified
cd "$APP" || give_up "no $APP"
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 "$JAVA" $OPTS -XX:ArchiveClassesAtExit="$WORK/app-cds.jsa" -Djava.io.tmpdir="$WORK" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 \
    -Dquarkus.grpc.server.host=127.0.0.1 -Dquarkus.grpc.server.port=0 \
    -Dedgeloop.agent.sync.enabled=false -Dedgeloop.agent.telemetry.enabled=false \
    -Dedgeloop.agent.device-id=cds-training -Dedgeloop.agent.model-dir="$WORK/models" \
    -Dedgeloop.auth.public-key="$WORK/verify-key.pem" \
    -jar quarkus-run.jar > "$WORK/agent.log" 2>&1 &
PID=$!
await started
PORT=$(http_port)
for path in /q/health/live /q/health/ready /q/health/started; do
    http_get "$PORT" "$path" || give_up "GET $path failed"
done
kill -TERM "$PID"
wait "$PID"
PID=
[ -s "$WORK/app-cds.jsa" ] || give_up "the JVM wrote no archive"
mv -f "$WORK/app-cds.jsa" "$APP/app-cds.jsa" || give_up "cannot replace $APP/app-cds.jsa"
echo "train-app-cds: wrote $APP/app-cds.jsa ($(($(wc -c < "$APP/app-cds.jsa") / 1048576)) MB) from a training run"
