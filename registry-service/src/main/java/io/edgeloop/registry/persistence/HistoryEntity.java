package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/**
 * One entry of a model's append-only history: an alias set, moved or removed, a version deleted, or a deployment
 * (wave, completion, rollback) reported by a {@code Deployed} event. Rows are only ever inserted: the entity is
 * {@link Immutable} and a database trigger (see {@code HistoryGuard}) rejects UPDATE and DELETE.
 */
@Entity
@Immutable
@Table(
        name = "registry_history",
        indexes = @Index(name = "registry_history_model_idx", columnList = "model_name, id"),
        uniqueConstraints =
                @UniqueConstraint(
                        name = "registry_history_event_uk",
                        columnNames = {"event_id"}))
public class HistoryEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_name", nullable = false, length = 128)
    public String modelName;

    /**
     * {@code alias-set}, {@code alias-deleted}, {@code version-deleted}, {@code deployed}, {@code
     * description-updated}, {@code model-renamed} or {@code model-deleted}.
     */
    @Column(nullable = false, length = 32)
    public String kind;

    /** The version the entry is about: the alias' new target, the deleted or the deployed version. */
    @Column(nullable = false)
    public int version;

    @Column(length = 64)
    public String alias;

    /** Where the alias pointed before (0 = nowhere). */
    @Column(name = "previous_version", nullable = false)
    public int previousVersion;

    /** Who or what did it: the actor of an alias move, the producer of a Deployed event. */
    @Column(length = 200)
    public String actor;

    /** Why: the reason of an alias move or deletion, or the Deployed event's reason (rejected, rolled back, fleet). */
    @Column(length = 1000)
    public String reason;

    /** {@code description-updated}: the description set (null = cleared). */
    @Column(length = 5000)
    public String description;

    /** Deployed: the consumed event's id (unique: one entry per event). */
    @Column(name = "event_id", length = 64)
    public String eventId;

    @Column(name = "deployment_id", length = 128)
    public String deploymentId;

    @Column(name = "rollout_id", length = 128)
    public String rolloutId;

    @Column(name = "variant_id", length = 300)
    public String variantId;

    /**
     * Deployed: {@code wave}, {@code completed}, {@code rolled-back}, {@code rejected}, {@code fleet} (blank from
     * producers that predate it).
     */
    @Column(length = 32)
    public String phase;

    @Column(nullable = false)
    public int wave;

    @Column(name = "waves_total", nullable = false)
    public int wavesTotal;

    @Column(name = "devices_targeted", nullable = false)
    public int devicesTargeted;

    @Column(name = "devices_active", nullable = false)
    public int devicesActive;

    @Column(name = "correlation_id", length = 128)
    public String correlationId;

    /** When it happened (the event's occurred_at for deployments). */
    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** When the registry recorded it. */
    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
