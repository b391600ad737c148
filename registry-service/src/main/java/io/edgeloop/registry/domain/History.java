package io.edgeloop.registry.domain;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.events.DeployedPhases;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.registry.persistence.HistoryEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The append-only history of every model: alias moves, version deletions, deployments, description changes, renames
 * and the deletion of the model. This class only inserts;
 * triggers (migration V4) make PostgreSQL refuse any UPDATE, DELETE or TRUNCATE of the table, so entries cannot be
 * rewritten by anyone.
 */
@ApplicationScoped
public class History {

    /** Kinds of entries. */
    public static final String ALIAS_SET = "alias-set";

    public static final String ALIAS_DELETED = "alias-deleted";
    public static final String VERSION_DELETED = "version-deleted";
    public static final String DEPLOYED = "deployed";
    public static final String DESCRIPTION_UPDATED = "description-updated";
    public static final String MODEL_RENAMED = "model-renamed";
    public static final String MODEL_DELETED = "model-deleted";

    @Inject
    EntityManager em;

    /** Appends an alias move (or removal when {@code version} is 0 and {@code kind} is {@link #ALIAS_DELETED}). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void aliasChanged(
            String kind, String model, String alias, int version, int previous, String actor, String reason) {
        HistoryEntity e = base(model, kind, version, now());
        e.alias = alias;
        e.previousVersion = previous;
        e.actor = actor;
        e.reason = reason;
        e.persist();
    }

    /** Appends the deletion of a version. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void versionDeleted(String model, int version, String actor, String reason) {
        modelChanged(VERSION_DELETED, model, version, actor, reason);
    }

    /** Appends a change of the description of the model ({@code version} 0) or of one of its versions. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void descriptionUpdated(String model, int version, String description, String actor) {
        HistoryEntity e = base(model, DESCRIPTION_UPDATED, version, now());
        e.description = description;
        e.actor = actor;
        e.persist();
    }

    /**
     * Appends an entry of {@code kind} with its actor and reason: {@link #MODEL_RENAMED} or {@link #MODEL_DELETED}
     * about the model as a whole, {@code version} being its highest version number (0 = it never had one), or
     * {@link #VERSION_DELETED} of that version.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void modelChanged(String kind, String model, int version, String actor, String reason) {
        HistoryEntity e = base(model, kind, version, now());
        e.actor = actor;
        e.reason = reason;
        e.persist();
    }

    /**
     * Appends a deployment reported by a {@code Deployed} event (any phase: {@code wave}, {@code completed},
     * {@code rolled-back}, {@code rejected}, {@code fleet}), with its {@code reason}. Call once per event (see the
     * Inbox).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void deployed(Deployed event) {
        Instant occurred = event.getMeta().hasOccurredAt()
                ? ProtoTime.toInstant(event.getMeta().getOccurredAt()).truncatedTo(ChronoUnit.MICROS)
                : now();
        HistoryEntity e = base(event.getModelName(), DEPLOYED, event.getModelVersion(), occurred);
        e.actor = blankToNull(event.getMeta().getProducer());
        e.eventId = event.getMeta().getEventId();
        e.deploymentId = blankToNull(event.getDeploymentId());
        e.rolloutId = blankToNull(event.getRolloutId());
        e.variantId = blankToNull(event.getVariantId());
        e.phase = blankToNull(DeployedPhases.wireName(DeployedPhases.of(event)));
        e.wave = event.getWave();
        e.wavesTotal = event.getWavesTotal();
        e.devicesTargeted = event.getDevicesTargeted();
        e.devicesActive = event.getDevicesActive();
        e.correlationId = blankToNull(event.getMeta().getCorrelationId());
        e.reason = event.getReason().isBlank() ? null : ProductionAlias.limit(event.getReason());
        e.persist();
    }

    /**
     * Entries of a model, oldest first, after entry {@code afterId} (0 = from the start), at most {@code limit}.
     */
    @Transactional
    public List<HistoryEntry> of(String model, long afterId, int limit) {
        List<HistoryEntity> rows = HistoryEntity.find("modelName = ?1 and id > ?2 order by id", model, afterId)
                .page(0, limit)
                .list();
        return rows.stream().map(History::toView).toList();
    }

    private static HistoryEntity base(String model, String kind, int version, Instant occurredAt) {
        HistoryEntity e = new HistoryEntity();
        e.modelName = model;
        e.kind = kind;
        e.version = version;
        e.occurredAt = occurredAt;
        e.recordedAt = now();
        return e;
    }

    static HistoryEntry toView(HistoryEntity e) {
        boolean alias = e.alias != null;
        boolean deployed = DEPLOYED.equals(e.kind);
        return new HistoryEntry(
                e.id,
                e.modelName,
                e.kind,
                e.version,
                e.alias,
                alias ? e.previousVersion : null,
                e.actor,
                e.reason,
                e.description,
                e.eventId,
                e.deploymentId,
                e.rolloutId,
                e.variantId,
                e.phase,
                deployed ? e.wave : null,
                deployed ? e.wavesTotal : null,
                deployed ? e.devicesTargeted : null,
                deployed ? e.devicesActive : null,
                e.correlationId,
                e.occurredAt,
                e.recordedAt);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
