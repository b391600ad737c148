package io.edgeloop.data.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** Membership of a sample in a snapshot, with the split and label it has there. Written in bulk by {@link SampleStore}. */
@Entity
@Table(name = "snapshot_sample")
@IdClass(SnapshotSampleEntity.Key.class)
public class SnapshotSampleEntity {
    @Id
    @Column(name = "snapshot_id")
    public Long snapshotId;

    @Id
    @Column(name = "sample_id", columnDefinition = "varchar(64) collate \"C\"")
    public String sampleId;

    @Column(nullable = false)
    public short split;

    /** The member's label index when the snapshot was cut (null for snapshots older than relabeling). */
    @Column(name = "label_index")
    public Short labelIndex;

    /** Composite primary key (snapshot id, sample id). */
    public static class Key implements Serializable {
        public Long snapshotId;
        public String sampleId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && Objects.equals(snapshotId, k.snapshotId)
                    && Objects.equals(sampleId, k.sampleId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(snapshotId, sampleId);
        }
    }
}
