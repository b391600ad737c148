package io.edgeloop.registry.domain;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.events.DeployedPhases;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import io.edgeloop.registry.persistence.AliasEntity;
import io.edgeloop.registry.persistence.HistoryEntity;
import io.edgeloop.registry.persistence.ModelEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps the alias {@value #ALIAS} on the version whose rollout last completed, from deployment-service's
 * {@code Deployed} events: phase {@code completed} moves it to the event's version; phase {@code rolled-back} of the
 * version it points at moves it back to the version it pointed at before (from the alias history, skipping versions
 * deleted or rolled back since), or removes it when there is none. A completion or rollback older than one already
 * applied (a late or replayed event) is recorded in the history but moves nothing. Moves go through {@link ModelRegistry}, so they are recorded in
 * the history like any other alias move, in the caller's transaction.
 */
@ApplicationScoped
public class ProductionAlias {
    /** The alias deployment-service's completions move. */
    public static final String ALIAS = "production";

    /** Actor of the alias moves made here. */
    public static final String ACTOR = "deployment-service";

    static final String COMPLETED = "completed";
    static final String ROLLED_BACK = "rolled-back";

    /** Deployment phases after which a version is no good to go back to. */
    private static final Set<String> UNDONE = Set.of(ROLLED_BACK, "rejected");

    private static final int MAX_MOVES_SEARCHED = 200;
    private static final int MAX_REASON = 1000;
    private static final int MAX_DEVICES_NAMED = 20;
    private static final Logger LOG = Logger.getLogger(ProductionAlias.class);

    @Inject
    EntityManager em;

    @Inject
    ModelRegistry registry;

    /**
     * Applies one Deployed event to the alias. Call once per event (see the Inbox), in the transaction that records
     * it. Other phases, and events of models or versions the registry does not have, change nothing.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onDeployed(Deployed event) {
        DeployedPhase phase = DeployedPhases.of(event);
        if (phase != DeployedPhase.DEPLOYED_PHASE_COMPLETED && phase != DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK) {
            return;
        }
        String model = event.getModelName();
        // the model's row lock, held until commit: no version can be deleted between the checks and the move
        ModelEntity locked = em.find(ModelEntity.class, model, LockModeType.PESSIMISTIC_WRITE);
        if (locked == null) {
            LOG.warnf(
                    "Deployed %s %s of unknown model %s: alias %s not moved",
                    phase, event.getRolloutId(), model, ALIAS);
            return;
        }
        if (superseded(event)) {
            LOG.infof(
                    "Deployed %s of %s v%d (%s) is older than a completion or rollback already applied: alias %s"
                            + " not moved",
                    phase, model, event.getModelVersion(), rollout(event), ALIAS);
            return;
        }
        if (phase == DeployedPhase.DEPLOYED_PHASE_COMPLETED) {
            completed(event);
        } else {
            rolledBack(event);
        }
    }

    /**
     * Whether a completion or rollback of the model that happened after {@code event} was recorded already: a late
     * event (delayed, or replayed from the dead-letter topic) must not undo a newer decision.
     */
    private static boolean superseded(Deployed event) {
        if (!event.getMeta().hasOccurredAt()) {
            return false;
        }
        Instant occurred = ProtoTime.toInstant(event.getMeta().getOccurredAt());
        return HistoryEntity.count(
                        "modelName = ?1 and kind = ?2 and phase in ?3 and occurredAt > ?4 and eventId <> ?5",
                        event.getModelName(),
                        History.DEPLOYED,
                        List.of(COMPLETED, ROLLED_BACK),
                        occurred,
                        event.getMeta().getEventId())
                > 0;
    }

    private void completed(Deployed event) {
        String model = event.getModelName();
        int version = event.getModelVersion();
        if (!exists(model, version)) {
            LOG.warnf(
                    "rollout %s completed for %s v%d, which the registry does not have: alias %s not moved",
                    rollout(event), model, version, ALIAS);
            return;
        }
        String reason = "rollout " + rollout(event) + " completed on " + devices(event);
        registry.setAlias(model, ALIAS, version, ACTOR, limit(reason));
        LOG.infof("%s of %s -> v%d (rollout %s completed)", ALIAS, model, version, rollout(event));
    }

    private void rolledBack(Deployed event) {
        String model = event.getModelName();
        int version = event.getModelVersion();
        AliasEntity current = AliasEntity.findById(new AliasEntity.Key(model, ALIAS));
        if (current == null || current.version != version) {
            return; // the rolled-back version never became production: nothing to undo
        }
        String why = event.getReason().isBlank() ? "" : ": " + event.getReason();
        String reason = "rollout " + rollout(event) + " of v" + version + " rolled back on " + devices(event) + why;
        int before = versionBefore(model, version);
        if (before > 0) {
            registry.setAlias(model, ALIAS, before, ACTOR, limit(reason));
            LOG.infof(
                    "%s of %s back to v%d (rollout %s of v%d rolled back)",
                    ALIAS, model, before, rollout(event), version);
        } else {
            registry.deleteAlias(model, ALIAS, ACTOR, limit(reason));
            LOG.infof("%s of %s removed: v%d rolled back, no earlier production version", ALIAS, model, version);
        }
    }

    /**
     * The version to go back to when {@code rolledBack} leaves production: walking the alias' history from the newest
     * move back, the first version it pointed at (other than {@code rolledBack}) that still exists and whose latest
     * deployment was not rolled back or rejected; 0 when there is none.
     */
    private static int versionBefore(String model, int rolledBack) {
        List<HistoryEntity> moves = HistoryEntity.find("modelName = ?1 and alias = ?2 order by id desc", model, ALIAS)
                .page(0, MAX_MOVES_SEARCHED)
                .list();
        Set<Integer> tried = new HashSet<>();
        tried.add(rolledBack);
        for (HistoryEntity move : moves) {
            for (int candidate : new int[] {move.version, move.previousVersion}) {
                if (candidate > 0 && tried.add(candidate) && exists(model, candidate) && stillGood(model, candidate)) {
                    return candidate;
                }
            }
        }
        return 0;
    }

    /** Whether the latest deployment recorded for the version was not undone (rolled back or rejected). */
    private static boolean stillGood(String model, int version) {
        List<HistoryEntity> latest = HistoryEntity.find(
                        "modelName = ?1 and kind = ?2 and version = ?3 order by id desc",
                        model,
                        History.DEPLOYED,
                        version)
                .page(0, 1)
                .list();
        return latest.isEmpty() || !UNDONE.contains(latest.get(0).phase);
    }

    private static boolean exists(String model, int version) {
        return ModelVersionEntity.count("modelName = ?1 and version = ?2", model, version) > 0;
    }

    private static String rollout(Deployed event) {
        if (!event.getRolloutId().isBlank()) {
            return event.getRolloutId();
        }
        return event.getDeploymentId().isBlank() ? event.getMeta().getEventId() : event.getDeploymentId();
    }

    /** The event's devices, at most {@value #MAX_DEVICES_NAMED} named. */
    static String devices(Deployed event) {
        List<String> ids = event.getDeviceIdsList();
        if (ids.isEmpty()) {
            return event.getDevicesActive() + " device(s)";
        }
        String named = String.join(", ", ids.subList(0, Math.min(ids.size(), MAX_DEVICES_NAMED)));
        int more = ids.size() - MAX_DEVICES_NAMED;
        return ids.size() + " device(s) [" + named + (more > 0 ? ", +" + more + " more" : "") + "]";
    }

    static String limit(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3) + "...";
    }
}
