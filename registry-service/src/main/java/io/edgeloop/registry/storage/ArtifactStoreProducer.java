package io.edgeloop.registry.storage;

import io.edgeloop.registry.config.RegistryConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Makes the configured {@link FileSystemArtifactStore} the application's {@link ArtifactStore} (the bean has both
 * types).
 */
public class ArtifactStoreProducer {
    private static final Logger LOG = Logger.getLogger(ArtifactStoreProducer.class);

    /** The store at {@code edgeloop.registry.storage-dir}, with stale partial uploads removed. */
    @Produces
    @Singleton
    FileSystemArtifactStore fileSystemStore(RegistryConfig config) {
        try {
            FileSystemArtifactStore store = new FileSystemArtifactStore(Path.of(config.storageDir()));
            int stale = store.deleteStaleUploads(config.staleUploadAge());
            LOG.infof("artifact store at %s (%d stale partial uploads removed)", store.root(), stale);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open artifact store at " + config.storageDir(), e);
        }
    }
}
