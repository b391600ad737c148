package io.edgeloop.registry.domain;

import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.registry.storage.StoredBlob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Orphan garbage collection: one sweep over the artifact store deletes the blobs that were uploaded but never
 * registered (a trainer that crashed between upload and register, a rejected variant) once their last upload is old
 * enough. Each deletion goes through {@link ArtifactReferences#collect}, the locked check version deletion uses.
 * {@link OrphanCollector} runs sweeps periodically, {@code POST /artifacts/gc} on demand.
 */
@ApplicationScoped
public class OrphanSweeper {
    /** Old blobs whose references one query checks during a sweep. */
    private static final int BATCH = 500;

    private static final Logger LOG = Logger.getLogger(OrphanSweeper.class);

    @Inject
    ArtifactStore store;

    @Inject
    EntityManager em;

    @Inject
    ArtifactReferences references;

    /**
     * Deletes every blob that no version or variant references and that was last uploaded more than {@code minAge}
     * ago: uploads that were never registered. Walks the store once (constant memory), checks the references of old
     * blobs in batches, and deletes each orphan in its own transaction holding the blob's exclusive advisory lock,
     * where references and the last upload time are checked again (a concurrent registration or re-upload keeps the
     * blob), and forgets its signature. A blob that cannot be deleted is logged and kept; the sweep goes on. An
     * interrupted sweep stops between two blobs.
     *
     * @param minAge blobs uploaded more recently are kept (a client between upload and registration)
     * @throws IllegalArgumentException when {@code minAge} is negative
     * @throws UncheckedIOException when the store cannot be listed
     */
    public OrphanSweep collectOrphans(Duration minAge) {
        if (minAge.isNegative()) {
            throw new IllegalArgumentException("minAge must not be negative, got " + minAge);
        }
        Instant cutoff = Instant.now().minus(minAge);
        List<OrphanSweep.Deleted> deleted = new ArrayList<>();
        long seen = 0;
        try (Stream<StoredBlob> blobs = store.list()) {
            Iterator<StoredBlob> it = blobs.iterator();
            List<String> old = new ArrayList<>(BATCH);
            while (it.hasNext() && !Thread.currentThread().isInterrupted()) {
                StoredBlob blob = it.next();
                seen++;
                if (blob.lastUploadedAt().isBefore(cutoff)) {
                    old.add(blob.sha256());
                }
                if (old.size() == BATCH || (!it.hasNext() && !old.isEmpty())) {
                    collectUnreferenced(old, cutoff, deleted);
                    old.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the artifact store", e);
        }
        long freed = deleted.stream().mapToLong(OrphanSweep.Deleted::sizeBytes).sum();
        OrphanSweep sweep = new OrphanSweep(deleted, freed, seen - deleted.size());
        log(sweep, cutoff);
        return sweep;
    }

    /** Collects those of {@code shas} that nothing references (one query for the batch, then one lock each). */
    private void collectUnreferenced(List<String> shas, Instant cutoff, List<OrphanSweep.Deleted> deleted) {
        Set<String> referenced = QuarkusTransaction.requiringNew().call(() -> referencedAmong(shas));
        for (String sha : shas) {
            if (referenced.contains(sha)) {
                continue;
            }
            try {
                StoredBlob blob = QuarkusTransaction.requiringNew().call(() -> references.collect(sha, cutoff));
                if (blob != null) {
                    deleted.add(new OrphanSweep.Deleted(sha, blob.sizeBytes()));
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "orphan GC: cannot collect artifact %s, keeping it", sha);
            }
        }
    }

    /** Those of {@code shas} that a version or a variant references. */
    private Set<String> referencedAmong(List<String> shas) {
        Set<String> refs = new HashSet<>(em.createQuery(
                        "select distinct v.artifactSha256 from ModelVersionEntity v where v.artifactSha256 in :shas",
                        String.class)
                .setParameter("shas", shas)
                .getResultList());
        refs.addAll(em.createQuery(
                        "select distinct v.artifactSha256 from ModelVariantEntity v where v.artifactSha256 in :shas",
                        String.class)
                .setParameter("shas", shas)
                .getResultList());
        return refs;
    }

    private static void log(OrphanSweep sweep, Instant cutoff) {
        if (sweep.deleted().isEmpty()) {
            LOG.debugf("orphan GC: nothing to delete, %d blobs kept", sweep.kept());
            return;
        }
        LOG.infof(
                "orphan GC: deleted %d blob(s) never registered (%d bytes freed, uploaded before %s): %s;"
                        + " %d blobs kept",
                sweep.deleted().size(),
                sweep.freedBytes(),
                cutoff,
                sweep.deleted().stream().map(OrphanSweep.Deleted::sha256).toList(),
                sweep.kept());
    }
}
