package io.edgeloop.deployment.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.TraceContext;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.gate.GateRequest;
import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.RolloutGateEntity;
import io.edgeloop.deployment.persistence.RolloutHistoryEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.EventMeta;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The staged-rollout state machine: plans waves, activates them, hands soaked waves to the health gate, widens on
 * PASS, rolls every updated device back to its last known good deployment on FAIL (a device without one is
 * unassigned: it unloads the model), and emits {@code Deployed} per wave (phase "wave"), at completion ("completed")
 * and on rollback ("rolled-back") through the outbox. Every public method is one transaction under the
 * {@link FleetLock}; assignments to push are returned for after the commit.
 */
@ApplicationScoped
public class RolloutService {
    private static final Logger LOG = Logger.getLogger(RolloutService.class);

    @Inject
    FleetLock fleetLock;

    @Inject
    Outbox outbox;

    @Inject
    Tracer tracer;

    @Inject
    DeploymentConfig config;

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

    // ---- planning (called by FleetService inside its transaction) ----

    /** Creates the targets of a new rollout, split into waves, and assigns the first wave. */
    List<AssignmentPush> plan(DeploymentEntity d, List<VariantOption> variants, Instant now) {
        RolloutSettings s = d.settings();
        List<DeviceEntity> fleet = DeviceEntity.<DeviceEntity>listAll().stream()
                .filter(dev -> WavePlan.matches(d.selector, dev.labels))
                .sorted(Comparator.comparing(dev -> dev.id))
                .toList();
        Map<String, DeviceEntity> byId = fleet.stream().collect(Collectors.toMap(x -> x.id, Function.identity()));
        List<String> eligible = new ArrayList<>();
        List<String> incompatible = new ArrayList<>();
        Map<String, VariantSelector.Selection> chosen = new java.util.HashMap<>();
        for (DeviceEntity dev : fleet) {
            VariantSelector.Selection sel = VariantSelector.select(profile(dev), variants, config.tinyRamMb());
            chosen.put(dev.id, sel);
            if (sel.variant().isPresent()) {
                eligible.add(dev.id);
            } else {
                incompatible.add(dev.id);
                DeploymentTargetEntity t = newTarget(d, dev, null, sel, now);
                t.state = TargetState.INCOMPATIBLE;
                t.message = FleetService.truncate(sel.reason(), 2000);
            }
        }
        List<List<String>> waves = WavePlan.waves(eligible, s.canaryPercent(), s.wavePercents());
        d.wavesTotal = Math.max(1, waves.size());
        d.currentWave = 1;
        d.waveStartedAt = now;
        for (int k = 0; k < waves.size(); k++) {
            for (String id : waves.get(k)) {
                newTarget(d, byId.get(id), k + 1, chosen.get(id), now);
            }
        }
        history(
                d,
                "started",
                null,
                fleet.size() + " device(s) selected by " + s.sortedSelector() + ", waves "
                        + waves.stream().map(List::size).toList()
                        + (incompatible.isEmpty() ? "" : ", incompatible " + incompatible),
                now);
        LOG.infof(
                "rollout %s: %s v%d to %d device(s) in waves %s (selector %s)",
                d.id,
                d.modelName,
                d.modelVersion,
                eligible.size(),
                waves.stream().map(List::size).toList(),
                s.sortedSelector());
        return assignWave(d, 1, now);
    }

    /** Adds a registering device to an active rollout (see {@link FleetService#register}). */
    Optional<AssignmentPush> join(DeploymentEntity d, DeviceEntity device, Instant now) {
        List<VariantOption> variants = variantsOf(d.id);
        VariantSelector.Selection sel = VariantSelector.select(profile(device), variants, config.tinyRamMb());
        if (sel.variant().isEmpty()) {
            DeploymentTargetEntity t = newTarget(d, device, null, sel, now);
            t.state = TargetState.INCOMPATIBLE;
            t.message = FleetService.truncate(sel.reason(), 2000);
            return Optional.empty();
        }
        boolean hasTargets =
                DeploymentTargetEntity.count("deploymentId = ?1 and state <> ?2", d.id, TargetState.INCOMPATIBLE) > 0;
        int wave = hasTargets ? d.wavesTotal : d.currentWave;
        DeploymentTargetEntity t = newTarget(d, device, wave, sel, now);
        history(d, "device-joined", wave, device.id + " joined wave " + wave, now);
        if (wave != d.currentWave || d.status != DeploymentStatus.ROLLING_OUT) {
            LOG.infof("device %s queued for wave %d of rollout %s", device.id, wave, d.id);
            return Optional.empty();
        }
        LOG.infof("device %s joined wave %d of rollout %s", device.id, wave, d.id);
        d.waveActivatedAt = null;
        return Optional.of(assign(d, t, device, now));
    }

    /** Marks an active rollout superseded by a newer version of the same model. */
    void supersede(DeploymentEntity old, int byVersion, Instant now) {
        old.status = DeploymentStatus.SUPERSEDED;
        old.finishedAt = now;
        old.statusReason = "superseded by v" + byVersion;
        history(old, "superseded", old.currentWave, old.statusReason, now);
        LOG.infof("deployment %s superseded by v%d", old.id, byVersion);
    }

    // ---- the scheduler's steps ----

    /** Ids of the rollouts in progress (not paused), oldest first. */
    @Transactional
    public List<String> inProgress() {
        return DeploymentEntity.<DeploymentEntity>list("status = ?1 order by createdAt", DeploymentStatus.ROLLING_OUT)
                .stream()
                .map(d -> d.id)
                .toList();
    }

    /**
     * One step of a rollout: fails the wave when a device reported FAILED or did not become ACTIVE within the
     * activation timeout; notes when the whole wave became ACTIVE; once it soaked, asks for a gate evaluation.
     */
    @Transactional
    public Step advance(String rolloutId) {
        fleetLock.lock();
        DeploymentEntity d = DeploymentEntity.findById(rolloutId);
        if (d == null || d.status != DeploymentStatus.ROLLING_OUT || d.currentWave == null) {
            return Step.NONE;
        }
        Instant now = Instant.now();
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
            return new Step(failWave(d, failed, GateVerdict.Metrics.NONE, now), null, null);
        }
        List<String> pending = wave.stream()
                .filter(t -> t.state != TargetState.ACTIVE)
                .map(t -> t.deviceId)
                .toList();
        if (!pending.isEmpty()) {
            d.waveActivatedAt = null;
            if (d.waveStartedAt != null && now.isAfter(d.waveStartedAt.plus(s.activationTimeout()))) {
                return new Step(
                        failWave(
                                d,
                                List.of("devices " + pending + " not ACTIVE within activation-timeout "
                                        + s.activationTimeout()),
                                GateVerdict.Metrics.NONE,
                                now),
                        null,
                        null);
            }
            return Step.NONE;
        }
        if (d.waveActivatedAt == null) {
            d.waveActivatedAt = now;
            history(
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
                        config.rollout().requireMonitoring()));
        return new Step(List.of(), request, d.waveActivatedAt);
    }

    /**
     * Applies a gate verdict, unless the rollout moved on meanwhile (paused, rolled back, superseded, or the wave
     * re-activated): PASS widens (or completes), FAIL rolls back, WAIT does nothing until the gate timeout, then
     * fails.
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
        Instant now = Instant.now();
        RolloutSettings s = d.settings();
        switch (verdict.outcome()) {
            case WAIT -> {
                Instant deadline = activatedAt.plus(s.soakTime()).plus(s.gateTimeout());
                if (!now.isAfter(deadline)) {
                    return List.of();
                }
                List<String> reasons = new ArrayList<>(verdict.reasons());
                reasons.add("gate timed out after " + s.gateTimeout() + " beyond the soak time");
                return failWave(d, reasons, verdict.metrics(), now);
            }
            case FAIL -> {
                return failWave(d, verdict.reasons(), verdict.metrics(), now);
            }
            default -> {
                RolloutGateEntity gate = gate(d, "PASS", verdict.reasons(), verdict.metrics(), now);
                history(d, "gate-passed", wave, String.join("; ", verdict.reasons()), now);
                List<DeploymentTargetEntity> targets = eligibleTargets(d);
                if (wave >= d.wavesTotal) {
                    d.status = DeploymentStatus.COMPLETED;
                    d.finishedAt = now;
                    for (DeploymentTargetEntity t : targets) {
                        DeviceEntity dev = DeviceEntity.findById(t.deviceId);
                        if (t.state == TargetState.ACTIVE && dev != null && d.id.equals(dev.desiredDeploymentId)) {
                            dev.lastGoodDeploymentId = d.id;
                        }
                    }
                    gate.deployedEventId = emitDeployed(d, "completed", wave, targets);
                    d.deployedEventId = gate.deployedEventId;
                    history(d, "completed", wave, "every wave passed its gate", now);
                    LOG.infof("rollout %s completed (%d waves)", d.id, d.wavesTotal);
                    return List.of();
                }
                gate.deployedEventId = emitDeployed(d, "wave", wave, targets);
                d.currentWave = wave + 1;
                d.waveStartedAt = now;
                d.waveActivatedAt = null;
                LOG.infof(
                        "rollout %s: wave %d passed its gate; starting wave %d of %d",
                        d.id, wave, wave + 1, d.wavesTotal);
                return assignWave(d, wave + 1, now);
            }
        }
    }

    // ---- manual control ----

    /**
     * Pauses a rollout in progress: no wave advances, no gate is evaluated until resumed.
     *
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it is not ROLLING_OUT
     */
    @Transactional
    public void pause(String rolloutId) {
        fleetLock.lock();
        DeploymentEntity d = find(rolloutId);
        if (d.status != DeploymentStatus.ROLLING_OUT) {
            throw new IllegalStateException(
                    "rollout " + d.id + " is " + d.status + "; only a ROLLING_OUT rollout can be paused");
        }
        d.status = DeploymentStatus.PAUSED;
        history(d, "paused", d.currentWave, "paused over REST", Instant.now());
    }

    /**
     * Resumes a paused rollout; the current wave soaks again from the moment all its devices are ACTIVE. Devices that
     * joined the current wave while paused are assigned now.
     *
     * @return the assignments to push
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it is not PAUSED
     */
    @Transactional
    public List<AssignmentPush> resume(String rolloutId) {
        fleetLock.lock();
        DeploymentEntity d = find(rolloutId);
        if (d.status != DeploymentStatus.PAUSED) {
            throw new IllegalStateException(
                    "rollout " + d.id + " is " + d.status + "; only a PAUSED rollout can be resumed");
        }
        Instant now = Instant.now();
        d.status = DeploymentStatus.ROLLING_OUT;
        d.waveStartedAt = now;
        d.waveActivatedAt = null;
        history(d, "resumed", d.currentWave, "resumed over REST; the current wave soaks again", now);
        return d.currentWave == null ? List.of() : assignWave(d, d.currentWave, now);
    }

    /**
     * Rolls a rollout back by hand: every device whose desired state is this rollout returns to its last known good
     * deployment, or is unassigned (runs nothing) when it has none. Allowed while ROLLING_OUT or PAUSED, and for a
     * COMPLETED rollout (devices that moved on to a newer deployment are left alone).
     *
     * @return the assignments to push
     * @throws UnknownEntityException when there is no such rollout
     * @throws IllegalStateException when it already ended otherwise (rolled back, superseded, failed)
     */
    @Transactional
    public List<AssignmentPush> rollback(String rolloutId, String reason) {
        fleetLock.lock();
        DeploymentEntity d = find(rolloutId);
        if (!d.isActive() && d.status != DeploymentStatus.COMPLETED) {
            throw new IllegalStateException("rollout " + d.id + " is " + d.status
                    + "; only a ROLLING_OUT, PAUSED or COMPLETED rollout" + " can be rolled back");
        }
        return rollBack(d, reason, Instant.now());
    }

    // ---- internals ----

    private List<AssignmentPush> failWave(
            DeploymentEntity d, List<String> reasons, GateVerdict.Metrics metrics, Instant now) {
        gate(d, "FAIL", reasons, metrics, now);
        history(d, "gate-failed", d.currentWave, String.join("; ", reasons), now);
        LOG.warnf("rollout %s: wave %d failed its gate: %s", d.id, d.currentWave, reasons);
        return rollBack(d, "wave " + d.currentWave + " health gate failed: " + String.join("; ", reasons), now);
    }

    private List<AssignmentPush> rollBack(DeploymentEntity d, String reason, Instant now) {
        List<AssignmentPush> pushes = new ArrayList<>();
        List<String> reverted = new ArrayList<>();
        List<String> unassigned = new ArrayList<>();
        boolean wasActive = d.isActive();
        for (DeploymentTargetEntity t :
                DeploymentTargetEntity.<DeploymentTargetEntity>list("deploymentId = ?1 order by deviceId", d.id)) {
            if (t.state == TargetState.INCOMPATIBLE || t.state == TargetState.ROLLED_BACK) {
                continue;
            }
            if (t.state == TargetState.QUEUED) {
                t.state = TargetState.ROLLED_BACK;
                t.message = "never assigned: the rollout was rolled back";
                t.updatedAt = now;
                continue;
            }
            DeviceEntity device = DeviceEntity.findById(t.deviceId);
            boolean onThis = device != null && d.id.equals(device.desiredDeploymentId);
            if (!onThis && !wasActive) {
                continue; // a completed rollout's device that moved on
            }
            DeploymentEntity pd =
                    t.previousDeploymentId == null ? null : DeploymentEntity.findById(t.previousDeploymentId);
            if (onThis) {
                if (d.id.equals(device.lastGoodDeploymentId)) {
                    device.lastGoodDeploymentId = pd == null ? null : pd.id;
                }
                if (pd != null) {
                    long revision = device.desire(pd.id);
                    pushes.add(new AssignmentPush(
                            device.id, Assignments.of(pd, Assignments.targetOf(pd.id, device.id)), revision));
                } else {
                    // no earlier deployment to return to: the device must stop serving this one
                    String why = "rollout " + d.id + " (" + d.modelName + " v" + d.modelVersion + ") was rolled back ("
                            + reason + ") and the device has no earlier completed deployment to return to";
                    String stored = FleetService.truncate(why, 2000);
                    long revision = device.unassign(d.id, stored);
                    pushes.add(new AssignmentPush(device.id, Assignments.unassigned(d.id, d, stored), revision));
                    unassigned.add(device.id);
                }
                reverted.add(device.id);
            }
            t.state = TargetState.ROLLED_BACK;
            t.message = pd == null
                    ? "rolled back; no earlier completed deployment to return to: unassigned (the device unloads the"
                            + " model)"
                    : "rolled back to deployment " + pd.id;
            t.updatedAt = now;
        }
        d.status = DeploymentStatus.ROLLED_BACK;
        d.finishedAt = now;
        d.statusReason = FleetService.truncate(reason, 4000);
        history(
                d,
                "rolled-back",
                d.currentWave,
                reason + "; devices returned: " + reverted
                        + (unassigned.isEmpty() ? "" : "; unassigned (no earlier deployment): " + unassigned),
                now);
        emitRolledBack(d, reverted);
        LOG.warnf(
                "rollout %s rolled back (%s); devices %s returned to their last known good, %s of them unassigned",
                d.id, reason, reverted, unassigned);
        return pushes;
    }

    private List<AssignmentPush> assignWave(DeploymentEntity d, int wave, Instant now) {
        List<AssignmentPush> pushes = new ArrayList<>();
        List<DeploymentTargetEntity> queued = DeploymentTargetEntity.list(
                "deploymentId = ?1 and wave = ?2 and state = ?3 order by deviceId", d.id, wave, TargetState.QUEUED);
        for (DeploymentTargetEntity t : queued) {
            DeviceEntity device = DeviceEntity.findById(t.deviceId);
            if (device != null) {
                pushes.add(assign(d, t, device, now));
            }
        }
        if (!queued.isEmpty()) {
            history(
                    d,
                    "wave-started",
                    wave,
                    "assigned to " + queued.stream().map(t -> t.deviceId).toList(),
                    now);
        }
        return pushes;
    }

    private AssignmentPush assign(DeploymentEntity d, DeploymentTargetEntity t, DeviceEntity device, Instant now) {
        t.state = TargetState.PENDING;
        t.assignedAt = now;
        t.updatedAt = now;
        long revision = device.desire(d.id);
        return new AssignmentPush(device.id, Assignments.of(d, t), revision);
    }

    private DeploymentTargetEntity newTarget(
            DeploymentEntity d, DeviceEntity device, Integer wave, VariantSelector.Selection sel, Instant now) {
        DeploymentTargetEntity t = new DeploymentTargetEntity();
        t.deploymentId = d.id;
        t.deviceId = device.id;
        t.wave = wave;
        t.state = TargetState.QUEUED;
        t.updatedAt = now;
        t.selection = FleetService.truncate(sel.reason(), 2000);
        t.previousDeploymentId = device.lastGoodDeploymentId;
        sel.variant().ifPresent(v -> {
            t.variantId = v.variantId();
            t.variantTarget = v.target();
            t.artifactSha256 = v.artifactSha256();
            t.sizeBytes = v.sizeBytes();
            t.format = v.format();
            t.signature = v.signature().isEmpty() ? null : v.signature();
            t.signingKeyId = v.signingKeyId().isEmpty() ? null : v.signingKeyId();
        });
        t.persist();
        return t;
    }

    private static List<DeploymentTargetEntity> waveTargets(DeploymentEntity d, int wave) {
        return DeploymentTargetEntity.list(
                "deploymentId = ?1 and wave = ?2 and state in ?3 order by deviceId",
                d.id,
                wave,
                List.of(TargetState.PENDING, TargetState.DOWNLOADING, TargetState.ACTIVE, TargetState.FAILED));
    }

    private static List<DeploymentTargetEntity> eligibleTargets(DeploymentEntity d) {
        return DeploymentTargetEntity.list(
                "deploymentId = ?1 and state <> ?2 order by deviceId", d.id, TargetState.INCOMPATIBLE);
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
        Map<String, Integer> out = new java.util.HashMap<>();
        for (DeploymentTargetEntity t : targets) {
            if (t.previousDeploymentId != null && versionOf.containsKey(t.previousDeploymentId)) {
                out.put(t.deviceId, versionOf.get(t.previousDeploymentId));
            }
        }
        return out;
    }

    static List<VariantOption> variantsOf(String deploymentId) {
        return DeploymentVariantEntity.<DeploymentVariantEntity>list("deploymentId = ?1 order by id", deploymentId)
                .stream()
                .map(v -> new VariantOption(
                        v.variantId,
                        v.target,
                        v.format,
                        v.artifactSha256,
                        v.sizeBytes,
                        v.ramBytes,
                        v.flashBytes,
                        v.accuracy,
                        v.recommended,
                        v.signature == null ? "" : v.signature,
                        v.signingKeyId == null ? "" : v.signingKeyId))
                .toList();
    }

    static DeviceProfile profile(DeviceEntity d) {
        return new DeviceProfile(d.architecture, d.ramMb, d.storageMb == null ? 0 : d.storageMb, d.acceleratorList());
    }

    private static DeploymentEntity find(String id) {
        DeploymentEntity d = DeploymentEntity.findById(id);
        if (d == null) {
            throw new UnknownEntityException("no rollout '" + id + "'");
        }
        return d;
    }

    private static RolloutGateEntity gate(
            DeploymentEntity d, String outcome, List<String> reasons, GateVerdict.Metrics m, Instant now) {
        RolloutGateEntity g = new RolloutGateEntity();
        g.deploymentId = d.id;
        g.wave = d.currentWave == null ? 1 : d.currentWave;
        g.outcome = outcome;
        g.reasons = FleetService.truncate(String.join("\n", reasons), 4000);
        g.windows = m.windows();
        g.inferences = m.inferences();
        g.errors = m.errors();
        g.errorRate = m.errorRate();
        g.latencyP99Us = m.latencyP99Us();
        g.predictionShift = m.predictionShift();
        g.evaluatedAt = now;
        g.persist();
        return g;
    }

    private static void history(DeploymentEntity d, String action, Integer wave, String detail, Instant now) {
        RolloutHistoryEntity h = new RolloutHistoryEntity();
        h.deploymentId = d.id;
        h.at = now;
        h.action = action;
        h.wave = wave;
        h.detail = FleetService.truncate(detail, 4000);
        h.persist();
    }

    /** Deployed for a passed wave or the completion: the devices active on the new version now. */
    private String emitDeployed(DeploymentEntity d, String phase, int wave, List<DeploymentTargetEntity> targets) {
        List<DeploymentTargetEntity> active =
                targets.stream().filter(t -> t.state == TargetState.ACTIVE).toList();
        String variant = active.stream()
                .map(t -> t.variantId == null ? d.variantId : t.variantId)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse(d.variantId);
        String sha = active.stream()
                .filter(t -> variant.equals(t.variantId))
                .map(t -> t.artifactSha256)
                .findFirst()
                .orElse(d.artifactSha256);
        return emit(
                d,
                phase,
                wave,
                active.stream().map(t -> t.deviceId).sorted().toList(),
                targets.size(),
                active.size(),
                variant,
                sha);
    }

    private void emitRolledBack(DeploymentEntity d, List<String> reverted) {
        emit(
                d,
                "rolled-back",
                d.currentWave == null ? 1 : d.currentWave,
                reverted.stream().sorted().toList(),
                reverted.size(),
                0,
                d.variantId,
                d.artifactSha256);
    }

    private String emit(
            DeploymentEntity d,
            String phase,
            int wave,
            List<String> deviceIds,
            int targeted,
            int active,
            String variantId,
            String sha256) {
        Span span = tracer.spanBuilder("rollout " + phase)
                .setParent(TraceContext.contextOf(d.traceparent))
                .setAttribute("edgeloop.deployment_id", d.id)
                .setAttribute("edgeloop.model", d.modelName + "@v" + d.modelVersion)
                .setAttribute("edgeloop.wave", wave)
                .setAttribute("edgeloop.devices", deviceIds.size())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            EventMeta cause = EventMeta.newBuilder()
                    .setEventId(d.causeEventId)
                    .setCorrelationId(d.correlationId == null ? "" : d.correlationId)
                    .build();
            EventMeta meta = Events.causedBy(FleetService.PRODUCER, cause);
            Deployed event = Deployed.newBuilder()
                    .setMeta(meta)
                    .setDeploymentId(d.id)
                    .setModelName(d.modelName)
                    .setModelVersion(d.modelVersion)
                    .setVariantId(variantId)
                    .setArtifactSha256(sha256)
                    .addAllDeviceIds(deviceIds)
                    .setDevicesTargeted(targeted)
                    .setDevicesActive(active)
                    .setSnapshotId(d.snapshotId == null ? "" : d.snapshotId)
                    .setRolloutId(d.id)
                    .setWave(wave)
                    .setWavesTotal(d.wavesTotal == null ? 1 : d.wavesTotal)
                    .setPhase(phase)
                    .build();
            outbox.enqueue(Topics.DEPLOYED, d.modelName, meta, event);
            LOG.infof("rollout %s: Deployed %s wave %d/%s on %s", d.id, phase, wave, d.wavesTotal, deviceIds);
            return meta.getEventId();
        } finally {
            span.end();
        }
    }
}
