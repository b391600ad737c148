package io.edgeloop.registry.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One entry of a model's append-only history.
 *
 * @param id position in the history (increasing)
 * @param modelName the model
 * @param kind {@code alias-set}, {@code alias-deleted}, {@code version-deleted}, {@code deployed}, {@code
 *     description-updated} (version 0 = the model's), {@code model-renamed} or {@code model-deleted}
 * @param version the alias' new target, the deleted or the deployed version
 * @param alias the alias (alias entries)
 * @param previousVersion where the alias pointed before, 0 = nowhere (alias entries)
 * @param actor who or what did it (alias moves: the given actor; deployments: the event's producer)
 * @param reason why (alias moves, version deletions; deployments: the Deployed event's reason, e.g. why a version
 *     was rejected or rolled back)
 * @param description the description a {@code description-updated} entry set (absent = cleared)
 * @param eventId the Deployed event's id
 * @param deploymentId deployment id
 * @param rolloutId staged rollout id
 * @param variantId the deployed variant
 * @param phase {@code wave}, {@code completed}, {@code rolled-back}, {@code rejected} or {@code fleet}
 * @param wave 1-based wave of the rollout, 0 when not staged
 * @param wavesTotal number of waves, 0 when not staged
 * @param devicesTargeted devices the deployment targets
 * @param devicesActive devices running it
 * @param correlationId loop iteration
 * @param occurredAt when it happened
 * @param recordedAt when the registry recorded it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(
        long id,
        String modelName,
        String kind,
        int version,
        String alias,
        Integer previousVersion,
        String actor,
        String reason,
        String description,
        String eventId,
        String deploymentId,
        String rolloutId,
        String variantId,
        String phase,
        Integer wave,
        Integer wavesTotal,
        Integer devicesTargeted,
        Integer devicesActive,
        String correlationId,
        Instant occurredAt,
        Instant recordedAt) {}
