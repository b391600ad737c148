package io.edgeloop.registry.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the artifact store: its directories exist and are writable; reports the usable space. */
@Readiness
@ApplicationScoped
public class ArtifactStoreHealthCheck implements HealthCheck {
    @Inject
    FileSystemArtifactStore store;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("artifact-store")
                .withData("root", store.root().toString());
        boolean writable = Files.isDirectory(store.tempDir()) && Files.isWritable(store.tempDir());
        try {
            response.withData("usableBytes", Files.getFileStore(store.root()).getUsableSpace());
        } catch (IOException e) {
            response.withData("error", e.toString());
            writable = false;
        }
        return response.status(writable).build();
    }
}
