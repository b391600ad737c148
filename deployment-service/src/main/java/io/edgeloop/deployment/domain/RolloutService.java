package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.gate.GateRequest;
import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.RolloutGateEntity;
import io.edgeloop.deployment.persistence.RolloutHistoryEntity;
import io.edgeloop.deployment.persistence.TargetState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The staged-rollout state machine: activates waves, hands soaked waves to the health gate, widens on PASS, rolls
 * back on FAIL ({@link RolloutRollback}), holds on WAIT until the gate timeout, and the REST controls (start a held
 * rollout, pause, resume, rollback). Planning is in {@link RolloutPlanner}, events in {@link RolloutEvents}. Every
 * public method is one transaction under the {@link FleetLock}; assignments to push are returned for after the commit.
 * "Now" (soak, activation and gate timeouts, history) is always the injected {@link Clock}.
 */
@ApplicationScoped
public class RolloutService {
    private static final Logger LOG = Logger.getLogger(RolloutService.class);

    @Inject
    FleetLock fleetLock;

    @Inject
    RolloutPlanner planner;

    @Inject
    RolloutRollback rollback;

    @Inject
    RolloutEvents events;

    @Inject
    PolicyService policies;

    @Inject
    Clock clock;

    /**
     * What one step of a rollout decided.
     *
     * @param pushes assignments to push after the commit
     * @param gate the gate to evaluate now (outside any transaction), or null
     * @param activatedAt when the gated wave became fully ACTIVE (passed back to {@link #applyVerdict})
     */
    public record Step(List<AssignmentPush> pushes, GateRequest gate, Instant activatedAt) {
        static final Step NONE = new Step(List.of(), null, null);
    }

    /** Ids of the rollouts in progress (not paused), oldest first. */
    @Transactional
    public List<String> inProgress() {
        return DeploymentEntity.<DeploymentEntity>list("status = ?1 order by createdAt", DeploymentStatus.ROLLING_OUT)
                .stream()
                .map(d -> d.id)
                .toList();
    }

    /**
     * One step of a rollout: fails the wave when a device reported FAILED (or REFUSED) or did not become ACTIVE
     * within the activation timeout; notes when the whole wave became ACTIVE; once it soaked, asks for a gate.
     */
    @Transactional
    public Step advance(String rolloutId) {
        fleetLock.lock();
        DeploymentEntity d = DeploymentEntity.findById(rolloutId);
        if (d == null || d.status != DeploymentStatus.ROLLING_OUT || d.currentWave == null) {
            return Step.NONE;
        }
        Instant now = clock.instant();
        RolloutSettings s = d.settings();
        List<DeploymentTargetEntity> wave = waveTargets(d, d.currentWave);
        if (wave.isEmpty()) {
            return Step.NONE; // no device matched yet: the first registration joins
        }
        List<String> failed = wave.stream()
                .filter(t -> t.state == TargetState.FAILED)
                .map(t -> t.deviceId + " reported FAILED" + (t.message == null ? "" : ": " + t.message))
                .toList();
        if (!failed.isEmpty()) {
            return new Step(rollback.failWave(d, failed, GateVerdict.Metrics.NONE, now), null, null);
        }
        List<String> pending = wave.stream()
                .filter(t -> t.state != TargetState.ACTIVE)
                .map(t -> t.deviceId)
                .toList();
        if (!pending.isEmpty()) {
            d.waveActivatedAt = null;
            if (d.waveStartedAt != null && now.isAfter(d.waveStartedAt.plus(s.activationTimeout()))) {
                List<String> why = List.of(
                        "devices " + pending + " not ACTIVE within activation-timeout " + s.activationTimeout());
                return new Step(rollback.failWave(d, why, GateVerdict.Metrics.NONE, now), null, null);
            }
            return Step.NONE;
        }
        if (d.waveActivatedAt == null) {
            d.waveActivatedAt = now;
            RolloutEvents.history(
                    d,
                    "wave-active",
                    d.currentWave,
                    "all " + wave.size() + " device(s) ACTIVE; soaking " + s.soakTime(),
                    now);
        }
        if (now.isBefore(d.waveActivatedAt.plus(s.soakTime()))) {
            return Step.NONE;
        }
        Map<String, Integer> previousVersions = previousVersions(wave);
        GateRequest request = new GateRequest(
                d.id,
                d.modelName,
                d.modelVersion,
                d.currentWave,
                wave.stream()
                        .map(t -> new GateRequest.GateDevice(t.deviceId, previousVersions.getOrDefault(t.deviceId, 0)))
                        .toList(),
                d.waveStartedAt,
                new GateRequest.Thresholds(
                        s.maxErrorRate(),
                        s.maxLatencyP99Us(),
                        s.maxPredictionShift(),
                        s.minInferences(),
                        s.passWithoutTelemetry()));
        return new Step(List.of(), request, d.waveActivatedAt);
    }

    /**
     * Applies a gate verdict, unless the rollout moved on meanwhile (paused, rolled back, superseded, or the wave
     * re-activated): PASS widens (or completes), FAIL rolls back, WAIT holds the wave (noted in the history) until the
     * gate timeout, then fails.
     */
    @Transactional
    public List<AssignmentPush> applyVerdict(String rolloutId, int wave, Instant activatedAt, GateVerdict verdict) {
        fleetLock.lock();
        DeploymentEntity d = DeploymentEntity.findById(rolloutId);
        if (d == null
                || d.status != DeploymentStatus.ROLLING_OUT
                || d.currentWave == null
                || d.currentWave != wave
                || !activatedAt.equals(d.waveActivatedAt)) {
            return List.of();
        }
        Instant now = clock.instant();
        RolloutSettings s = d.settings();
        switch (verdict.outcome()) {
            case WAIT -> {
                Instant deadline = activatedAt.plus(s.soakTime()).plus(s.gateTimeout());
                if (!now.isAfter(deadline)) {
                    noteWaiting(d, wave, verdict, now);
                    return List.of();
                }
                List<String> reasons = new ArrayList<>(verdict.reasons());
                reasons.add("gate timed out after " + s.gateTimeout() + " beyond the soak time");
                return rollback.failWave(d, reasons, verdict.metrics(), now);
            }
            case FAIL -> {
                return rollback.failWave(d, verdict.reasons(), verdict.metrics(), now);
            }
            default -> {
                return pass(d, wave, verdict, now);
            }
        }
    }

    private List<AssignmentPush> pass(DeploymentEntity d, int wave, GateVerdict verdict, Instant now) {
        RolloutGateEntity gate = RolloutEvents.gate(d, "PASS", verdict.reasons(), verdict.metrics(), now);
        RolloutEvents.history(d, "gate-passed", wave, String.join("; ", verdict.reasons()), now);
        List<DeploymentTargetEntity> targets = DeploymentTargetEntity.list(
                "deploymentId = ?1 and state <> ?2 order by deviceId", d.id, TargetState.INCOMPATIBLE);
        if (wave >= d.wavesTotal) {
            d.status = DeploymentStatus.COMPLETED;
            d.finishedAt = now;
            for (DeploymentTargetEntity t : targets) {
                DeviceModelEntity slot = Slots.find(t.deviceId, d.modelName);
                if (t.state == TargetState.ACTIVE && slot != null && d.id.equals(slot.desiredDeploymentId)) {
                    slot.lastGoodDeploymentId = d.id;
                }
            }
            gate.deployedEventId = events.emitDeployed(d, "completed", wave, targets);
            d.deployedEventId = gate.deployedEventId;
            RolloutEvents.history(d, "completed", wave, "every wave passed its gate", now);
            LOG.infof("rollout %s completed (%d waves)", d.id, d.wavesTotal);
            return List.of();
        }
        gate.deployedEventId = events.emitDeployed(d, "wave", wave, targets);
        d.currentWave = wave + 1;
        d.waveStartedAt = now;
        d.waveActivatedAt = null;
        LOG.infof("rollout %s: wave %d passed its gate; starting wave %d of %d", d.id, wave, wave + 1, d.wavesTotal);
        return planner.assignWave(d, wave + 1, now);
    }

    /** A WAIT verdict is noted in the history when its reasons differ from the last entry. */
    private static void noteWaiting(DeploymentEntity d, int wave, GateVerdict verdict, Instant now) {
        String detail = "gate waiting: " + String.join("; ", verdict.reasons());
        RolloutHistoryEntity last = RolloutEvents.lastHistory(d);
        if (last == null || !"gate-waiting".equals(last.action) || !detail.equals(last.detail)) {
            RolloutEvents.history(d, "gate-waiting", wave, detail, now);
        }
    }

    // ---- manual control ----

    /**
     * Starts a HELD rollout with the model's current policy (promotion gate first), on behalf of {@code actor} (the
     * authenticated subject, recorded in the history).
     *
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it is not HELD
     * @throws NoPolicyException when still no policy matches the model
     */
    @Transactional
    public List<AssignmentPush> start(String rolloutId, String actor) {
        DeploymentEntity d = lockIn(rolloutId, DeploymentStatus.HELD, "started");
        Policy policy = policies.resolve(d.modelName)
                .orElseThrow(() -> new NoPolicyException("no deployment policy matches model '" + d.modelName
                        + "'; PUT /policies/" + d.modelName + " first"));
        Instant now = clock.instant();
        RolloutEvents.history(
                d, "start-requested", null, "started over REST with policy '" + policy.name() + "'", now, actor);
        return planner.begin(d, policy, now);
    }

    /**
     * Pauses a rollout in progress on behalf of {@code actor}: no wave advances, no gate is evaluated until resumed.
     *
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it is not ROLLING_OUT
     */
    @Transactional
    public void pause(String rolloutId, String actor) {
        DeploymentEntity d = lockIn(rolloutId, DeploymentStatus.ROLLING_OUT, "paused");
        d.status = DeploymentStatus.PAUSED;
        RolloutEvents.history(d, "paused", d.currentWave, "paused over REST", clock.instant(), actor);
    }

    /**
     * Resumes a paused rollout on behalf of {@code actor}; the current wave soaks again from the moment all its devices are ACTIVE. Devices that
     * joined the current wave while paused are assigned now.
     *
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it is not PAUSED
     */
    @Transactional
    public List<AssignmentPush> resume(String rolloutId, String actor) {
        DeploymentEntity d = lockIn(rolloutId, DeploymentStatus.PAUSED, "resumed");
        Instant now = clock.instant();
        d.status = DeploymentStatus.ROLLING_OUT;
        d.waveStartedAt = now;
        d.waveActivatedAt = null;
        RolloutEvents.history(
                d, "resumed", d.currentWave, "resumed over REST; the current wave soaks again", now, actor);
        return d.currentWave == null ? List.of() : planner.assignWave(d, d.currentWave, now);
    }

    /**
     * Rolls a rollout back by hand, on behalf of {@code actor}: every device whose slot of the model points at this rollout returns to its last
     * known good deployment of that model, or is unassigned from that model when it has none. Allowed while
     * ROLLING_OUT or PAUSED, and for a COMPLETED rollout (devices that moved on are left alone).
     *
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it already ended otherwise
     */
    @Transactional
    public List<AssignmentPush> rollback(String rolloutId, String reason, String actor) {
        fleetLock.lock();
        DeploymentEntity d = find(rolloutId);
        if (!d.isActive() && d.status != DeploymentStatus.COMPLETED) {
            throw new IllegalStateException("rollout " + d.id + " is " + d.status
                    + "; only a ROLLING_OUT, PAUSED or COMPLETED rollout can be rolled back");
        }
        return rollback.rollBack(d, reason, clock.instant(), actor);
    }

    /** No deployment policy matches a model. */
    public static class NoPolicyException extends RuntimeException {
        public NoPolicyException(String message) {
            super(message);
        }
    }

    // ---- internals ----

    private static List<DeploymentTargetEntity> waveTargets(DeploymentEntity d, int wave) {
        return DeploymentTargetEntity.list(
                "deploymentId = ?1 and wave = ?2 and state in ?3 order by deviceId",
                d.id,
                wave,
                List.of(TargetState.PENDING, TargetState.DOWNLOADING, TargetState.ACTIVE, TargetState.FAILED));
    }

    private static Map<String, Integer> previousVersions(List<DeploymentTargetEntity> targets) {
        List<String> prevIds = targets.stream()
                .map(t -> t.previousDeploymentId)
                .filter(id -> id != null)
                .distinct()
                .toList();
        if (prevIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Integer> versionOf = DeploymentEntity.<DeploymentEntity>list("id in ?1", prevIds).stream()
                .collect(Collectors.toMap(x -> x.id, x -> x.modelVersion));
        Map<String, Integer> out = new HashMap<>();
        for (DeploymentTargetEntity t : targets) {
            if (t.previousDeploymentId != null && versionOf.containsKey(t.previousDeploymentId)) {
                out.put(t.deviceId, versionOf.get(t.previousDeploymentId));
            }
        }
        return out;
    }

    /**
     * Takes the fleet lock and the rollout, which must be in {@code required}.
     *
     * @throws IllegalStateException naming what only a rollout in {@code required} can be ({@code action})
     */
    private DeploymentEntity lockIn(String rolloutId, DeploymentStatus required, String action) {
        fleetLock.lock();
        DeploymentEntity d = find(rolloutId);
        if (d.status != required) {
            throw new IllegalStateException(
                    "rollout " + d.id + " is " + d.status + "; only a " + required + " rollout can be " + action);
        }
        return d;
    }

    private static DeploymentEntity find(String id) {
        DeploymentEntity d = DeploymentEntity.findById(id);
        if (d == null) {
            throw new UnknownEntityException("no rollout '" + id + "'");
        }
        return d;
    }
}
