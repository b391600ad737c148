package io.edgeloop.registry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the registry service ({@code edgeloop.registry.*}). */
@ConfigMapping(prefix = "edgeloop.registry")
public interface RegistryConfig {
    /**
     * Root directory of the content-addressed artifact store; relative paths resolve against the working directory.
     * Blobs live under {@code <root>/sha256/<first two hex digits>/<digest>}, uploads in progress under
     * {@code <root>/tmp}.
     */
    @WithDefault("data/registry")
    String storageDir();

    /** Largest artifact an upload may announce; bigger headers are rejected with INVALID_ARGUMENT. */
    @WithDefault("2G")
    MemorySize maxArtifactSize();

    /** Partial uploads older than this (left by a crash) are deleted when the service starts. */
    @WithDefault("1h")
    Duration staleUploadAge();

    /** How artifacts are signed. */
    Signing signing();

    /** Garbage collection of blobs uploaded but never registered. */
    OrphanGc orphanGc();

    /** MLflow-compatible API settings. */
    Mlflow mlflow();

    /** Ed25519 signing key ({@code edgeloop.registry.signing.*}). */
    interface Signing {
        /**
         * Private key, PKCS#8 DER in base64 (e.g. {@code openssl genpkey -algorithm ed25519 -outform DER | base64}).
         * When absent, a key is generated at first start and kept in {@code <storage-dir>/signing/}.
         */
        Optional<String> privateKey();

        /** Key id published with signatures; default {@code ed25519-<first 16 hex digits of sha256(public key)>}. */
        Optional<String> keyId();
    }

    /** Orphan garbage collection ({@code edgeloop.registry.orphan-gc.*}). */
    interface OrphanGc {
        /**
         * Time between two periodic sweeps (the first runs one interval after start); 0 or negative disables them
         * ({@code POST /artifacts/gc} still sweeps on demand).
         */
        @WithDefault("1h")
        Duration interval();

        /**
         * A blob that no version or variant references is deleted once its last upload is older than this; must not
         * be negative. Keep it well above the time a client takes between uploading and registering.
         */
        @WithDefault("24h")
        Duration minAge();
    }

    /** MLflow-compatible REST API ({@code edgeloop.registry.mlflow.*}). */
    interface Mlflow {
        /**
         * Base URL put in front of {@code /artifacts/<sha256>} by {@code get-download-uri}, as clients reach the
         * registry (e.g. {@code https://registry.example.com}); default: this server's own HTTP address. Never taken
         * from the request's {@code Host} header, which any caller can set.
         */
        Optional<String> publicBaseUrl();
    }
}
