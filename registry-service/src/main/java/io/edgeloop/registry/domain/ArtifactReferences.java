package io.edgeloop.registry.domain;

import io.edgeloop.registry.persistence.ModelVariantEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import io.edgeloop.registry.signing.ArtifactSigner;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.registry.storage.StoredBlob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The blob side of registrations and deletions. A registration references a blob under a shared PostgreSQL advisory
 * lock on its digest ({@link #reference}); a collection deletes a blob under the exclusive lock, after checking again
 * that no version or variant references it ({@link #collect}). So garbage collection never deletes a blob that a
 * concurrent registration is about to reference.
 */
@ApplicationScoped
public class ArtifactReferences {
    private static final Logger LOG = Logger.getLogger(ArtifactReferences.class);

    @Inject
    ArtifactStore store;

    @Inject
    EntityManager em;

    @Inject
    ArtifactSigner signer;

    /**
     * Takes the shared lock on a blob (so garbage collection cannot delete it before the caller's transaction
     * commits), checks it is stored, signs it when it was not yet (registration is what gets content signed), and
     * returns its size. Runs in the caller's transaction.
     *
     * @throws RegistryException FAILED_PRECONDITION when the blob is not stored (never uploaded, or collected)
     */
    long reference(String sha256) {
        advisoryLock(sha256, true);
        long size = artifactSize(sha256);
        signer.sign(sha256);
        return size;
    }

    /**
     * Deletes a blob when no version or variant references it and, when {@code uploadedBefore} is set, its last
     * upload was before then; forgets its signature. Runs in the caller's transaction, under the blob's exclusive
     * advisory lock.
     *
     * @return the deleted blob, null when it was kept (or was not stored)
     */
    StoredBlob collect(String sha256, Instant uploadedBefore) {
        advisoryLock(sha256, false);
        long refs =
                ModelVersionEntity.count("artifactSha256", sha256) + ModelVariantEntity.count("artifactSha256", sha256);
        if (refs > 0) {
            return null;
        }
        try {
            StoredBlob blob = store.describe(sha256).orElse(null);
            if (blob != null && uploadedBefore != null && !blob.lastUploadedAt().isBefore(uploadedBefore)) {
                return null; // uploaded again since the sweep looked: its client is about to register it
            }
            signer.forget(sha256);
            return blob != null && store.delete(sha256) ? blob : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete artifact " + sha256, e);
        }
    }

    /**
     * After a deletion committed: collects each of {@code candidates} that nothing references any more, each in its
     * own transaction. One that cannot be collected now is logged and left to the orphan GC.
     *
     * @param what the deletion, for the log ({@code "deleting model m"})
     * @return digests of the blobs that were deleted
     */
    Set<String> collectUnreferenced(Collection<String> candidates, String what) {
        Set<String> deleted = new LinkedHashSet<>();
        for (String sha : candidates) {
            try {
                if (QuarkusTransaction.requiringNew().call(() -> collect(sha, null)) != null) {
                    deleted.add(sha);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: cannot collect artifact %s now, the orphan GC will", what, sha);
            }
        }
        return deleted;
    }

    /** Transaction-scoped PostgreSQL advisory lock keyed by the digest's first 64 bits. */
    private void advisoryLock(String sha256, boolean shared) {
        long key = Long.parseUnsignedLong(sha256.substring(0, 16), 16);
        em.createNativeQuery(shared ? "select pg_advisory_xact_lock_shared(?1)" : "select pg_advisory_xact_lock(?1)")
                .setParameter(1, key)
                .getSingleResult();
    }

    private long artifactSize(String sha256) {
        OptionalLong size;
        try {
            size = store.size(sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifact store", e);
        }
        if (size.isEmpty()) {
            throw RegistryException.failedPrecondition("artifact " + sha256
                    + " has not been uploaded (or, never registered, was garbage-collected);"
                    + " upload it (again) with ArtifactService.Upload first");
        }
        return size.getAsLong();
    }
}
