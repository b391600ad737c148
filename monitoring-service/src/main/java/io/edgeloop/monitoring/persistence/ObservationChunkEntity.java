package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The inputs of one telemetry window of the deployed version, part of the model's observation buffer: a sample of rows
 * (little-endian float32, row-major, {@link Codec}) or one quantile sketch per feature over all of them.
 */
@Entity
@Table(name = "observation_chunk", indexes = @Index(name = "observation_model_idx", columnList = "model_name,id"))
public class ObservationChunkEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "window_id", nullable = false)
    public String windowId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "row_count", nullable = false)
    public int rowCount;

    @Column(name = "feature_count", nullable = false)
    public int featureCount;

    /** Raw rows; empty for a chunk of sketches. */
    @Column(nullable = false)
    public byte[] data;

    /** One serialized KLL sketch per feature ({@link Codec#blobs}), or null for a chunk of raw rows. */
    @Column(name = "sketches")
    public byte[] sketches;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
}
