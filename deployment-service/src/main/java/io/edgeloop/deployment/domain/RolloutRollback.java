package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.input.FieldLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Rolling a rollout back (inside the caller's transaction, under the fleet lock): every device whose slot of the
 * rollout's model points at it returns to that model's last known good deployment, or is told to run no version of
 * that model when it has none. Other models' slots are never touched.
 */
@ApplicationScoped
public class RolloutRollback {
    private static final Logger LOG = Logger.getLogger(RolloutRollback.class);

    @Inject
    RolloutEvents events;

    /** Records a failed gate of the current wave and rolls back. */
    List<AssignmentPush> failWave(DeploymentEntity d, List<String> reasons, GateVerdict.Metrics metrics, Instant now) {
        RolloutEvents.gate(d, "FAIL", reasons, metrics, now);
        RolloutEvents.history(d, "gate-failed", d.currentWave, String.join("; ", reasons), now);
        LOG.warnf("rollout %s: wave %d failed its gate: %s", d.id, d.currentWave, reasons);
        return rollBack(
                d,
                "wave " + d.currentWave + " health gate failed: " + String.join("; ", reasons),
                now,
                FleetService.PRODUCER);
    }

    /** Rolls {@code d} back on behalf of {@code actor} (recorded in the history); returns the assignments to push. */
    List<AssignmentPush> rollBack(DeploymentEntity d, String reason, Instant now, String actor) {
        List<AssignmentPush> pushes = new ArrayList<>();
        List<String> reverted = new ArrayList<>();
        List<String> unassigned = new ArrayList<>();
        boolean wasActive = d.isActive();
        // read once for the whole fleet: a query per device would flush the growing transaction each time
        Slots.Index slots = Slots.index();
        Reverts reverts = new Reverts();
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
            DeviceModelEntity slot = device == null ? null : slots.find(device.id, d.modelName);
            boolean onThis = slot != null && d.id.equals(slot.desiredDeploymentId);
            if (!onThis && !wasActive) {
                continue; // a completed rollout's device that moved on
            }
            DeploymentEntity pd =
                    t.previousDeploymentId == null ? null : DeploymentEntity.findById(t.previousDeploymentId);
            if (onThis) {
                pushes.add(reverts.revert(d, device, slot, pd, reason));
                if (pd == null) {
                    unassigned.add(device.id);
                }
                reverted.add(device.id);
            }
            t.state = TargetState.ROLLED_BACK;
            t.message = pd == null
                    ? "rolled back; no earlier completed deployment of " + d.modelName
                            + " to return to: unassigned (the device unloads that model)"
                    : "rolled back to deployment " + pd.id;
            t.updatedAt = now;
        }
        d.status = DeploymentStatus.ROLLED_BACK;
        d.finishedAt = now;
        d.statusReason = FleetService.truncate(reason, 4000);
        RolloutEvents.history(
                d,
                "rolled-back",
                d.currentWave,
                reason + "; devices returned: " + reverted
                        + (unassigned.isEmpty() ? "" : "; unassigned (no earlier deployment): " + unassigned),
                now,
                actor);
        events.emitRolledBack(d, reverted, reason);
        LOG.warnf(
                "rollout %s rolled back (%s); devices %s returned to their last known good, %s of them unassigned",
                d.id, reason, reverted, unassigned);
        return pushes;
    }

    /** Reverts of one rollback, reading each earlier deployment's targets and variants once. */
    private static final class Reverts {
        private final Assignments.VariantFacts variants = new Assignments.VariantFacts();
        private final Map<String, Map<String, DeploymentTargetEntity>> targets = new HashMap<>();

        /** Returns the device to {@code pd}, or unassigns the model when there is no earlier deployment. */
        AssignmentPush revert(
                DeploymentEntity d, DeviceEntity device, DeviceModelEntity slot, DeploymentEntity pd, String reason) {
            if (d.id.equals(slot.lastGoodDeploymentId)) {
                slot.lastGoodDeploymentId = pd == null ? null : pd.id;
            }
            long revision = device.nextRevision();
            if (pd != null) {
                slot.desire(pd.id, revision);
                return new AssignmentPush(
                        device.id, Assignments.of(pd, targetOf(pd, device.id), revision, variants), revision);
            }
            // no earlier deployment of this model to return to: the device must stop serving it (only it)
            String why = "rollout " + d.id + " (" + d.modelName + " v" + d.modelVersion + ") was rolled back ("
                    + reason + ") and the device has no earlier completed deployment of " + d.modelName
                    + " to return to";
            String stored = FleetService.truncate(why, FieldLimits.MESSAGE);
            slot.unassign(d.id, stored, revision);
            return new AssignmentPush(
                    device.id, Assignments.unassigned(d.modelName, d.id, d, stored, revision), revision);
        }

        private DeploymentTargetEntity targetOf(DeploymentEntity pd, String deviceId) {
            return targets.computeIfAbsent(pd.id, id -> {
                        Map<String, DeploymentTargetEntity> byDevice = new HashMap<>();
                        DeploymentTargetEntity.<DeploymentTargetEntity>list("deploymentId", id)
                                .forEach(t -> byDevice.put(t.deviceId, t));
                        return byDevice;
                    })
                    .get(deviceId);
        }
    }
}
