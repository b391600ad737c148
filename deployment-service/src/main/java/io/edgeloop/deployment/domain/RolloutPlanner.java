package io.edgeloop.deployment.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.input.FieldLimits;
import io.edgeloop.proto.events.v1.PromotionEvidence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starting rollouts (called inside the caller's transaction, under the fleet lock): the promotion gate, the devices
 * the policy selects with a variant each, waves, and assigning a wave to the devices' slot of the rollout's model
 * (never another model's). Devices registering later join here too.
 */
@ApplicationScoped
public class RolloutPlanner {
    private static final Logger LOG = Logger.getLogger(RolloutPlanner.class);

    @Inject
    DeploymentConfig config;

    @Inject
    RolloutEvents events;

    /**
     * Starts a recorded rollout with {@code policy}: the promotion gate first (a failing candidate is REJECTED with a
     * {@code Deployed} phase "rejected", no device touched); else the model's active rollouts are superseded, the
     * policy's settings are stored and the first wave is assigned.
     */
    List<AssignmentPush> begin(DeploymentEntity d, Policy policy, Instant now) {
        d.policyName = policy.name();
        d.apply(policy.settings());
        PromotionGate.Decision promotion = PromotionGate.evaluate(evidence(d), policy.promotion());
        if (!promotion.passed()) {
            String reason = "promotion gate failed: " + String.join("; ", promotion.reasons());
            d.status = DeploymentStatus.REJECTED;
            d.finishedAt = now;
            d.statusReason = FleetService.truncate(reason, 4000);
            d.currentWave = null;
            RolloutEvents.history(d, "rejected", null, reason, now);
            d.deployedEventId = events.emitRejected(d, reason);
            LOG.warnf("rollout %s: %s v%d rejected: %s", d.id, d.modelName, d.modelVersion, reason);
            return List.of();
        }
        RolloutEvents.history(
                d,
                "promotion-passed",
                null,
                "policy '" + policy.name() + "': " + String.join("; ", promotion.reasons()),
                now);
        for (DeploymentEntity old : DeploymentEntity.<DeploymentEntity>list(
                "modelName = ?1 and status in ?2 and id <> ?3",
                d.modelName,
                List.of(DeploymentStatus.ROLLING_OUT, DeploymentStatus.PAUSED),
                d.id)) {
            supersede(old, d.modelVersion, now);
        }
        d.status = DeploymentStatus.ROLLING_OUT;
        d.statusReason = null;
        return plan(d, variantsOf(d.id), now);
    }

    /** Creates the targets of a rollout, split into waves, and assigns the first wave. */
    List<AssignmentPush> plan(DeploymentEntity d, List<VariantOption> variants, Instant now) {
        RolloutSettings s = d.settings();
        Slots.Index slots = Slots.index();
        Map<String, DeviceProfile> profiles = new HashMap<>();
        List<DeviceEntity> fleet = DeviceEntity.<DeviceEntity>listAll().stream()
                .filter(dev -> !dev.isRevoked())
                .filter(dev -> WavePlan.matches(
                        d.selector,
                        dev.labels,
                        profiles.computeIfAbsent(dev.id, k -> profile(dev, d.modelName, slots.of(dev.id)))))
                .sorted(Comparator.comparing(dev -> dev.id))
                .toList();
        Map<String, DeviceEntity> byId = new HashMap<>();
        List<String> eligible = new ArrayList<>();
        List<String> incompatible = new ArrayList<>();
        Map<String, VariantSelector.Selection> chosen = new HashMap<>();
        for (DeviceEntity dev : fleet) {
            byId.put(dev.id, dev);
            VariantSelector.Selection sel = VariantSelector.select(profiles.get(dev.id), variants, config.tinyRamMb());
            chosen.put(dev.id, sel);
            if (sel.variant().isPresent()) {
                eligible.add(dev.id);
            } else {
                incompatible.add(dev.id);
                DeploymentTargetEntity t = newTarget(d, dev, null, sel, now, slots.find(dev.id, d.modelName));
                t.state = TargetState.INCOMPATIBLE;
                t.message = FleetService.truncate(sel.reason(), FieldLimits.MESSAGE);
            }
        }
        List<List<String>> waves = WavePlan.waves(eligible, s.canaryPercent(), s.wavePercents());
        d.wavesTotal = Math.max(1, waves.size());
        d.currentWave = 1;
        d.waveStartedAt = now;
        d.waveActivatedAt = null;
        for (int k = 0; k < waves.size(); k++) {
            for (String id : waves.get(k)) {
                newTarget(d, byId.get(id), k + 1, chosen.get(id), now, slots.find(id, d.modelName));
            }
        }
        RolloutEvents.history(
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
        return assignWave(d, 1, now, slots);
    }

    /**
     * Adds a registering device to an active rollout, or to a completed one (the model's version in production for
     * the devices it selects: assigned at once, its gates were passed) (see {@link FleetService#register}).
     */
    Optional<AssignmentPush> join(DeploymentEntity d, DeviceEntity device, Instant now) {
        VariantSelector.Selection sel =
                VariantSelector.select(profile(device, d.modelName), variantsOf(d.id), config.tinyRamMb());
        if (sel.variant().isEmpty()) {
            DeploymentTargetEntity t = newTarget(d, device, null, sel, now, Slots.find(device.id, d.modelName));
            t.state = TargetState.INCOMPATIBLE;
            t.message = FleetService.truncate(sel.reason(), FieldLimits.MESSAGE);
            return Optional.empty();
        }
        if (d.status == DeploymentStatus.COMPLETED) {
            DeploymentTargetEntity t = newTarget(d, device, d.wavesTotal, sel, now, Slots.find(device.id, d.modelName));
            RolloutEvents.history(
                    d, "device-joined", d.wavesTotal, device.id + " joined after completion: assigned", now);
            LOG.infof("device %s joined completed rollout %s (%s v%d)", device.id, d.id, d.modelName, d.modelVersion);
            return Optional.of(assign(
                    d, t, device, now, Slots.getOrCreate(device.id, d.modelName), new Assignments.VariantFacts()));
        }
        boolean hasTargets =
                DeploymentTargetEntity.count("deploymentId = ?1 and state <> ?2", d.id, TargetState.INCOMPATIBLE) > 0;
        int wave = hasTargets ? d.wavesTotal : d.currentWave;
        DeploymentTargetEntity t = newTarget(d, device, wave, sel, now, Slots.find(device.id, d.modelName));
        RolloutEvents.history(d, "device-joined", wave, device.id + " joined wave " + wave, now);
        if (wave != d.currentWave || d.status != DeploymentStatus.ROLLING_OUT) {
            LOG.infof("device %s queued for wave %d of rollout %s", device.id, wave, d.id);
            return Optional.empty();
        }
        LOG.infof("device %s joined wave %d of rollout %s", device.id, wave, d.id);
        d.waveActivatedAt = null;
        return Optional.of(
                assign(d, t, device, now, Slots.getOrCreate(device.id, d.modelName), new Assignments.VariantFacts()));
    }

    /** Marks an active rollout superseded by a newer version of the same model. */
    void supersede(DeploymentEntity old, int byVersion, Instant now) {
        old.status = DeploymentStatus.SUPERSEDED;
        old.finishedAt = now;
        old.statusReason = "superseded by v" + byVersion;
        RolloutEvents.history(old, "superseded", old.currentWave, old.statusReason, now);
        LOG.infof("deployment %s superseded by v%d", old.id, byVersion);
    }

    /** Assigns the queued targets of {@code wave}. */
    List<AssignmentPush> assignWave(DeploymentEntity d, int wave, Instant now) {
        return assignWave(d, wave, now, Slots.index());
    }

    private List<AssignmentPush> assignWave(DeploymentEntity d, int wave, Instant now, Slots.Index slots) {
        List<AssignmentPush> pushes = new ArrayList<>();
        Assignments.VariantFacts variants = new Assignments.VariantFacts();
        List<DeploymentTargetEntity> queued = DeploymentTargetEntity.list(
                "deploymentId = ?1 and wave = ?2 and state = ?3 order by deviceId", d.id, wave, TargetState.QUEUED);
        Map<String, DeviceEntity> devices = new HashMap<>();
        if (!queued.isEmpty()) {
            DeviceEntity.<DeviceEntity>list(
                            "id in ?1", queued.stream().map(t -> t.deviceId).toList())
                    .forEach(dev -> devices.put(dev.id, dev));
        }
        for (DeploymentTargetEntity t : queued) {
            DeviceEntity device = devices.get(t.deviceId);
            if (device != null) {
                pushes.add(assign(d, t, device, now, slots.getOrCreate(device.id, d.modelName), variants));
            }
        }
        if (!queued.isEmpty()) {
            RolloutEvents.history(
                    d,
                    "wave-started",
                    wave,
                    "assigned to " + queued.stream().map(t -> t.deviceId).toList(),
                    now);
        }
        return pushes;
    }

    private AssignmentPush assign(
            DeploymentEntity d,
            DeploymentTargetEntity t,
            DeviceEntity device,
            Instant now,
            DeviceModelEntity slot,
            Assignments.VariantFacts variants) {
        t.state = TargetState.PENDING;
        t.assignedAt = now;
        t.updatedAt = now;
        long revision = device.nextRevision();
        slot.desire(d.id, revision);
        return new AssignmentPush(device.id, Assignments.of(d, t, revision, variants), revision);
    }

    /** A queued target; {@code slot} is the device's slot of the model (null when it has none yet). */
    private DeploymentTargetEntity newTarget(
            DeploymentEntity d,
            DeviceEntity device,
            Integer wave,
            VariantSelector.Selection sel,
            Instant now,
            DeviceModelEntity slot) {
        DeploymentTargetEntity t = new DeploymentTargetEntity();
        t.deploymentId = d.id;
        t.deviceId = device.id;
        t.wave = wave;
        t.state = TargetState.QUEUED;
        t.updatedAt = now;
        t.selection = FleetService.truncate(sel.reason(), FieldLimits.MESSAGE);
        t.previousDeploymentId = slot == null ? null : slot.lastGoodDeploymentId;
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
                        v.signingKeyId == null ? "" : v.signingKeyId,
                        Assignments.signatureSpec(v.signatureSpec)))
                .toList();
    }

    /** The device's capabilities and what its models other than {@code modelName} take. */
    static DeviceProfile profile(DeviceEntity d, String modelName) {
        return profile(d, modelName, Slots.of(d.id));
    }

    /** As {@link #profile(DeviceEntity, String)}, with the device's slots given. */
    static DeviceProfile profile(DeviceEntity d, String modelName, List<DeviceModelEntity> slots) {
        long otherRam = 0;
        int others = 0;
        for (DeviceModelEntity slot : slots) {
            if (slot.modelName.equals(modelName) || slot.desiredDeploymentId == null) {
                continue;
            }
            others++;
            DeploymentTargetEntity t = Assignments.targetOf(slot.desiredDeploymentId, d.id);
            DeploymentEntity dep = DeploymentEntity.findById(slot.desiredDeploymentId);
            String variantId = t != null && t.variantId != null ? t.variantId : dep == null ? null : dep.variantId;
            DeploymentVariantEntity v = variantId == null
                    ? null
                    : DeploymentVariantEntity.<DeploymentVariantEntity>find(
                                    "deploymentId = ?1 and variantId = ?2", slot.desiredDeploymentId, variantId)
                            .firstResult();
            if (v != null && v.ramBytes > 0) {
                otherRam += v.ramBytes;
            }
        }
        return new DeviceProfile(
                d.architecture,
                d.ramMb,
                d.storageMb == null ? 0 : d.storageMb,
                d.acceleratorList(),
                d.maxOpset == null ? 0 : d.maxOpset,
                DeviceEntity.split(d.opDomains),
                DeviceEntity.split(d.tensorDatatypes),
                d.modelMemoryBudgetMb == null ? 0 : d.modelMemoryBudgetMb,
                d.maxModels == null ? 0 : d.maxModels,
                otherRam,
                others);
    }

    private static PromotionEvidence evidence(DeploymentEntity d) {
        if (d.promotionEvidence == null) {
            return null;
        }
        try {
            return PromotionEvidence.parseFrom(d.promotionEvidence);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
