package io.edgeloop.registry.domain;

import java.util.List;

/**
 * What one orphan garbage-collection sweep did ({@link OrphanSweeper#collectOrphans}); also the answer of
 * {@code POST /artifacts/gc}.
 *
 * @param deleted the blobs it deleted: uploaded long enough ago and referenced by no version or variant
 * @param freedBytes their total size
 * @param kept how many blobs it found and left in the store (referenced, or uploaded too recently)
 */
public record OrphanSweep(List<Deleted> deleted, long freedBytes, long kept) {
    /** Copies {@code deleted}. */
    public OrphanSweep {
        deleted = List.copyOf(deleted);
    }

    /**
     * One deleted blob.
     *
     * @param sha256 its digest
     * @param sizeBytes its size
     */
    public record Deleted(String sha256, long sizeBytes) {}
}
