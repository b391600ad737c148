package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The currently deployed version of a model (from the latest Deployed event) and its reference snapshot. */
@Entity
@Table(name = "model_state")
public class ModelStateEntity extends PanacheEntityBase {
    @Id
    @Column(name = "model_name")
    public String modelName;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    /** Training snapshot of the deployed version: the drift reference. May be empty when unknown. */
    @Column(name = "snapshot_id", nullable = false)
    public String snapshotId;

    @Column(name = "variant_id", nullable = false)
    public String variantId;

    @Column(name = "deployment_id", nullable = false)
    public String deploymentId;

    /** Event id of the Deployed event; DriftDetected names it as its cause. */
    @Column(name = "deployed_event_id", nullable = false)
    public String deployedEventId;

    /** Comma-separated device ids of the latest deployment. */
    @Column(name = "device_ids", nullable = false, length = 8000)
    public String deviceIds;

    @Column(name = "deployed_at", nullable = false)
    public Instant deployedAt;

    /** {@code occurred_at} of the last Deployed event applied: an older one that arrives late is ignored. */
    @Column(name = "last_event_at")
    public Instant lastEventAt;

    /** When the current observation window started (the deployed version last changed). */
    @Column(name = "observing_since", nullable = false)
    public Instant observingSince;

    /** Version deployed before the current one (0 = none): what a rolled-back rollout returns to. */
    @Column(name = "previous_model_version")
    public Integer previousModelVersion;

    /** Reference snapshot of {@link #previousModelVersion}. */
    @Column(name = "previous_snapshot_id")
    public String previousSnapshotId;
}
