#!/bin/sh
# Gives each file written by `edgeloop secrets init --dir DIR` to the user of the container that reads it, keeping
# mode 0600 (run as root, after every `secrets init` that wrote something). Docker Compose bind-mounts file secrets
# with their host owner and mode (it does not apply uid/gid/mode to them), and the containers do not run as you:
#   185   the EdgeLoop images (USER of deploy/docker/Dockerfile.jvm): service tokens, application.properties, the
#         JWK set, the device issuer key, device credentials
#   999   postgres (postgres:17, edgeloop/postgres): the superuser and role passwords
#   1000  appuser (apache/kafka, edgeloop/kafka): the broker's and the admin's Kafka logins, the users' passwords
# DIR/auth keeps the private keys, the admin token and the ledger: they stay yours (edgeloop token ...); the
# containers mount only its public JWK set. Once this has run, run `secrets init` again as root (it reads the
# passwords it keeps). Run here with the locally built images (deploy/containers/images.sh, ComposeLoopIT).
set -eu
dir="${1:?usage: secrets-owners.sh DIR (as given to edgeloop secrets init --dir)}"
[ -d "$dir/services" ] || { echo "$dir holds no 'edgeloop secrets init' output" >&2; exit 1; }
chown -R 185 "$dir/services"
if [ -d "$dir/agents" ]; then chown -R 185 "$dir/agents"; fi
chown -R 999 "$dir/postgres"
chown -R 1000 "$dir/kafka"
chmod 0644 "$dir/auth/verify-keys.jwks" # public keys: every app reads them
echo "secrets in $dir now belong to their containers' users (185 EdgeLoop, 999 postgres, 1000 kafka)"
