#!/usr/bin/env bash
# Initializes PGDATA once (superuser POSTGRES_USER with the password in POSTGRES_PASSWORD_FILE, host connections
# authenticated with POSTGRES_HOST_AUTH_METHOD, local socket connections for the init scripts only), runs
# /docker-entrypoint-initdb.d/*.sql and *.sh on a server listening on the socket only, then runs PostgreSQL on all
# addresses. As the postgres image's entrypoint, reduced to what EdgeLoop uses; also what Testcontainers'
# PostgreSQLContainer (and so Quarkus' datasource Dev Services) expects of an image: the password in POSTGRES_PASSWORD,
# a database POSTGRES_DB created for POSTGRES_USER, a command `postgres -c ...` (its options are passed on), and the
# line "database system is ready to accept connections" twice on a first start (the init server's, then the real one's).
set -euo pipefail
user="${POSTGRES_USER:-postgres}"
method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
if [ "${1:-}" = postgres ]; then
  shift
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    pwfile="$POSTGRES_PASSWORD_FILE"
  else
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE is required}"
    pwfile="$(mktemp)"
    printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  fi
  initdb --username="$user" --pwfile="$pwfile" --auth-local=peer --auth-host="$method" --encoding=UTF8 \
    --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  if [ "$pwfile" != "${POSTGRES_PASSWORD_FILE:-}" ]; then
    rm -f "$pwfile"
  fi
  {
    echo "host all all 0.0.0.0/0 $method"
    echo "host all all ::/0 $method"
  } >>"$PGDATA/pg_hba.conf"
  # peer authentication maps the OS user (postgres) to the superuser for the init scripts
  if [ "$user" != postgres ]; then
    sed -i "s/^local\(.*\)peer$/local\1trust/" "$PGDATA/pg_hba.conf"
  fi
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start
  db="${POSTGRES_DB:-$user}"
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U "$user" -d postgres \
      -c "create database \"$db\" owner \"$user\""
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "init: $f" && psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U "$user" -d postgres -f "$f" ;;
      *.sh) echo "init: $f" && bash "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "init: PostgreSQL data directory $PGDATA ready"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
