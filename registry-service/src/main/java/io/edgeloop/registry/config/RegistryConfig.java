package io.edgeloop.registry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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
}
