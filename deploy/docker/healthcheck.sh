#!/bin/bash
# Health check of the EdgeLoop JVM images (Dockerfile.jvm): 0 when GET /q/health/ready on the app's HTTP port
# (EDGELOOP_HTTP_PORT, or QUARKUS_HTTP_PORT where set) answers 200. Plain bash (/dev/tcp), no curl needed in the image.
port="${QUARKUS_HTTP_PORT:-${EDGELOOP_HTTP_PORT:-8080}}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /q/health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 4 _ status _ <&3 || exit 1
[ "$status" = 200 ]
