#!/usr/bin/env bash
# Builds the self-contained device bundle (issue 15) from a packaged agent: a jlink-trimmed Java runtime, the
# quarkus-app (ONNX Runtime's native libraries for this platform only), the start script, the JVM options, a systemd
# unit and a configuration template, as target/edgeloop-agent-<version>-<os>-<arch>.tar.gz.
#   make-bundle.sh <target dir> <version>      (run by ./mvnw -o package -pl edge-agent -Pbundle)
# The runtime is the building JDK's, for the building platform (linux-x86_64 here); other platforms need their own
# JDK (jlink of the target's jmods) and ONNX Runtime build.
set -euo pipefail
TARGET=$(cd "$1" && pwd)
VERSION=$2
DIST=$(cd "$(dirname "$0")" && pwd)
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m)
NAME=edgeloop-agent-$VERSION-$OS-$ARCH
OUT=$TARGET/bundle/$NAME
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# modules: jdeps --print-module-deps over every class of the quarkus-app (java.base, java.naming, java.sql, jdk.jfr,
# jdk.management, jdk.unsupported), plus what is loaded through services: jdk.crypto.ec (Ed25519 signatures, TLS),
# jdk.zipfs, java.logging. Left out although jdeps lists them: jdk.compiler (referenced, never loaded), java.desktop
# (only Quarkus' GraalVM substitutions of java.awt / javax.imageio name it; -11 MB of runtime) and java.rmi (no class
# of the app references it; `jdeps -summary` per jar, 2026-12-07)
MODULES=java.base,java.logging,java.management,java.naming,java.sql,jdk.crypto.ec,jdk.jfr,\
jdk.management,jdk.unsupported,jdk.zipfs
rm -rf "$OUT"
mkdir -p "$OUT"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$OUT/runtime"
# the runtime's own base class data sharing archive (jlink of JDK 17 writes none): the JDK's classes start mapped, and
# the start script can add the app's archive on top of it
"$OUT/runtime/bin/java" -Xshare:dump > /dev/null
cp -r "$TARGET/quarkus-app" "$OUT/app"
rm -f "$OUT/app/app-cds.jsa" # made for the building JDK; the bundle writes its own at first start
# ONNX Runtime's jar carries native libraries for every platform: keep this one's
ORT=$(ls "$OUT"/app/lib/main/com.microsoft.onnxruntime.onnxruntime-*.jar)
case "$ARCH" in x86_64) ORT_ARCH=x64 ;; aarch64) ORT_ARCH=aarch64 ;; *) ORT_ARCH=$ARCH ;; esac
(cd "$TARGET/bundle" && rm -rf ort && mkdir ort && cd ort && unzip -q "$ORT" \
    && find ai/onnxruntime/native -mindepth 1 -maxdepth 1 -type d ! -name "$OS-$ORT_ARCH" -exec rm -rf {} + \
    && rm -f "$ORT" && zip -q -r "$ORT" . )
rm -rf "$TARGET/bundle/ort"
mkdir -p "$OUT/bin" "$OUT/config"
cp "$DIST/agent-jvm.options" "$OUT/bin/"
cp "$DIST/bundle/edgeloop-agent" "$OUT/bin/"
cp "$DIST/bundle/edgeloop-agent.service" "$OUT/"
cp "$DIST/bundle/agent.env" "$OUT/config/agent.env.template"
chmod +x "$OUT/bin/edgeloop-agent"
tar -C "$TARGET/bundle" -czf "$TARGET/$NAME.tar.gz" "$NAME"
echo "bundle: $TARGET/$NAME.tar.gz ($(du -h "$TARGET/$NAME.tar.gz" | cut -f1); unpacked $(du -sh "$OUT" | cut -f1), runtime $(du -sh "$OUT/runtime" | cut -f1))"
