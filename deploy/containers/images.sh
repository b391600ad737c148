#!/usr/bin/env bash
# Builds every image the Compose stack runs, here, without any image registry:
#   edgeloop/base:bookworm-jre17   Debian bookworm (debootstrap minbase) + openjdk-17-jre-headless, built once and
#                                  re-used while present; its root file system is cached as a tar in $CACHE
#   edgeloop/<module>              the six services, the edge agent and the console (deploy/docker/Dockerfile.jvm)
#   edgeloop/kafka:4.1.2           KRaft broker from the project's Kafka jars (deploy/containers/kafka)
#   edgeloop/postgres:15           Debian's PostgreSQL server (deploy/containers/postgres)
#   edgeloop/zipkin:3.5.1          the Zipkin exec jar deploy/pom.xml already uses (deploy/containers/zipkin)
# When no engine answers and you are root, it installs Debian's docker.io and docker-compose (apt-get) and starts
# dockerd with the cgroupfs driver and capped ulimits (what a sandbox without systemd allows), logging to $DOCKERD_LOG.
#
# usage: deploy/containers/images.sh [--engine-only] [IMAGE...]     (IMAGE: base, kafka, postgres, zipkin, or a module)
# Run after `./mvnw install -DskipTests` (the modules' target/quarkus-app and deploy/target/zipkin). Then:
#   docker-compose --env-file deploy/compose/local-images.env -f deploy/compose/docker-compose.yml up -d
# Environment: EDGELOOP_BASE_IMAGE, EDGELOOP_IMAGE_CACHE (default /var/cache/edgeloop), EDGELOOP_DEBIAN_MIRROR,
# EDGELOOP_DOCKERD_LOG (default /var/log/edgeloop-dockerd.log).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/containers"
BASE_IMAGE="${EDGELOOP_BASE_IMAGE:-edgeloop/base:bookworm-jre17}"
CACHE="${EDGELOOP_IMAGE_CACHE:-/var/cache/edgeloop}"
MIRROR="${EDGELOOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${EDGELOOP_DOCKERD_LOG:-/var/log/edgeloop-dockerd.log}"
KAFKA_IMAGE=edgeloop/kafka:4.1.2
POSTGRES_IMAGE=edgeloop/postgres:15
ZIPKIN_IMAGE=edgeloop/zipkin:3.5.1
ZIPKIN_VERSION="${ZIPKIN_IMAGE##*:}" # deploy/pom.xml's zipkin.version
# module and its %prod HTTP port (the image's health check calls /q/health/ready there)
APPS="data-service:8081 training-service:8082 compiler-service:8083 registry-service:8084 deployment-service:8085
monitoring-service:8086 edge-agent:8090 console:8080"

log() { printf '[images] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  is_root || die "$* missing and not root: install them (Debian: apt-get install $*)"
  log "installing $* (apt-get)"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

# The engine: installed and started when missing (root only); waits until `docker info` answers.
ensure_engine() {
  # the CLI and Compose v1 (Debian: docker.io, docker-compose); the daemon comes with docker.io
  if ! command -v docker >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1; then
    if docker info >/dev/null 2>&1; then
      apt_install docker-compose
    else
      apt_install docker.io docker-compose
    fi
  fi
  if docker info >/dev/null 2>&1; then
    return
  fi
  is_root || die "no Docker engine answers and not root: start one (dockerd) or run as root"
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  log "starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  nohup dockerd --exec-opt native.cgroupdriver=cgroupfs \
    --default-ulimit nofile=1024:1024 --default-ulimit nproc=1024:1024 >>"$DOCKERD_LOG" 2>&1 &
  local pid=$! i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { log "dockerd running (pid $pid)"; return; }
    kill -0 "$pid" 2>/dev/null || die "dockerd exited: see $DOCKERD_LOG"
    sleep 1
  done
  die "dockerd did not answer within 60 s: see $DOCKERD_LOG"
}

# The base image: imported from the cached root file system tar, which debootstrap makes once.
ensure_base() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "base $BASE_IMAGE present"
    return
  fi
  local tar="$CACHE/bookworm-jre17-rootfs.tar" dir="$CACHE/rootfs.tmp" t0=$SECONDS
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    is_root || die "debootstrap needs root"
    mkdir -p "$CACHE"
    rm -rf "$dir"
    log "debootstrap bookworm (minbase + openjdk-17-jre-headless) from $MIRROR"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$dir" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
      || die "debootstrap failed: see $CACHE/debootstrap.log"
    # no package cache, lists, docs or manuals in the image (the postgres build runs apt-get update itself)
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* \
      "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/log/*.log
    tar -C "$dir" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir"
  fi
  log "importing $BASE_IMAGE from $tar"
  docker import -c 'ENV LANG=C.UTF-8' -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' -c 'CMD ["bash"]' \
    "$tar" "$BASE_IMAGE" >/dev/null
  log "base $BASE_IMAGE built in $((SECONDS - t0)) s"
}

# One EdgeLoop app from its quarkus-app; the build context holds only that directory and deploy/docker.
build_app() {
  local module="$1" port="$2"
  [ -f "$ROOT/$module/target/quarkus-app/quarkus-run.jar" ] \
    || die "$module/target/quarkus-app is missing: run ./mvnw -B install -DskipTests first"
  tar -C "$ROOT" -c deploy/docker "$module/target/quarkus-app" \
    | docker build -q -f deploy/docker/Dockerfile.jvm --build-arg "BASE_IMAGE=$BASE_IMAGE" \
      --build-arg "MODULE=$module" --build-arg "HTTP_PORT=$port" -t "edgeloop/$module" - >/dev/null
}

build_kafka() {
  local stage
  stage="$(mktemp -d)"
  cp -r "$HERE/kafka/Dockerfile" "$HERE/kafka/bin" "$HERE/kafka/config" "$stage/"
  # the jars from the local Maven repository (online only when one is missing there)
  local copy=(-q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies "-DoutputDirectory=$stage/libs")
  (cd "$ROOT" && ./mvnw -o "${copy[@]}") || (cd "$ROOT" && ./mvnw "${copy[@]}") || die "cannot resolve the Kafka jars"
  rm -rf "$HERE/kafka/target"
  docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$KAFKA_IMAGE" "$stage" >/dev/null
  rm -rf "$stage"
}

build_postgres() {
  docker build -q --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$POSTGRES_IMAGE" "$HERE/postgres" >/dev/null
}

build_zipkin() {
  local jar="$ROOT/deploy/target/zipkin/zipkin.jar" stage
  [ -f "$jar" ] || jar="$HOME/.m2/repository/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  [ -f "$jar" ] || die "no Zipkin exec jar: run ./mvnw -B install -DskipTests (deploy copies it to deploy/target/zipkin)"
  stage="$(mktemp -d)"
  cp "$HERE/zipkin/Dockerfile" "$stage/"
  cp "$jar" "$stage/zipkin.jar"
  docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$ZIPKIN_IMAGE" "$stage" >/dev/null
  rm -rf "$stage"
}

build() {
  local what="$1" t0=$SECONDS entry
  case "$what" in
    base) ensure_base ;;
    kafka) build_kafka ;;
    postgres) build_postgres ;;
    zipkin) build_zipkin ;;
    *)
      entry="$(printf '%s\n' $APPS | grep "^$what:")" || die "unknown image $what"
      build_app "$what" "${entry#*:}"
      ;;
  esac
  [ "$what" = base ] || log "built $what in $((SECONDS - t0)) s"
}

main() {
  local engine_only=false targets=()
  for a in "$@"; do
    case "$a" in
      --engine-only) engine_only=true ;;
      -h | --help)
        sed -n '2,17p' "${BASH_SOURCE[0]}"
        exit 0
        ;;
      *) targets+=("$a") ;;
    esac
  done
  ensure_engine
  $engine_only && return
  ensure_base
  if [ ${#targets[@]} = 0 ]; then
    targets=(kafka postgres zipkin)
    for e in $APPS; do targets+=("${e%%:*}"); done
  fi
  local t0=$SECONDS
  for t in "${targets[@]}"; do build "$t"; done
  log "all built in $((SECONDS - t0)) s:"
  docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^edgeloop/' | sort >&2
}

main "$@"
