package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A DriftDetected event that was emitted; at most one per model version. */
@Entity
@Table(name = "drift_alert")
public class DriftAlertEntity extends PanacheEntityBase {
    /** {@code <model>@v<version>}, see {@link #idOf}. */
    @Id
    public String id;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(name = "correlation_id", nullable = false)
    public String correlationId;

    @Column(name = "drift_score", nullable = false)
    public double driftScore;

    @Column(name = "sample_count", nullable = false)
    public int sampleCount;

    @Column(name = "fired_at", nullable = false)
    public Instant firedAt;

    /** The alert key of a model version. */
    public static String idOf(String modelName, int modelVersion) {
        return modelName + "@v" + modelVersion;
    }
}
