package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.TargetState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Keeps the registry told what the fleet actually serves: after a model's latest rollout COMPLETED, a report that
 * changes whether a device runs that version ACTIVE (it unloaded, failed, refused, or another version became active
 * on it) emits {@code Deployed} phase {@code fleet} with the devices reporting it ACTIVE now.
 */
@ApplicationScoped
public class FleetTruth {
    @Inject
    RolloutEvents events;

    @Inject
    FleetLock fleetLock;

    /** The state of one slot before a report: the model's production rollout and whether the slot served it. */
    record Before(DeploymentEntity production, boolean active) {}

    Before before(DeviceModelEntity slot) {
        DeploymentEntity production = production(slot.modelName);
        return new Before(production, production != null && serves(slot, production));
    }

    /** Emits {@code fleet} when the slot's serving of the production version changed. */
    void after(Before before, DeviceModelEntity slot, String reason) {
        if (before.production() == null || before.active() == serves(slot, before.production())) {
            return;
        }
        DeploymentEntity d = before.production();
        fleetLock.lockModel(d.modelName); // a parallel report of another device committed before this list is read
        List<String> active = DeviceModelEntity.<DeviceModelEntity>list(
                        "modelName = ?1 and reportedState = ?2 and reportedModelVersion = ?3",
                        d.modelName,
                        TargetState.ACTIVE,
                        d.modelVersion)
                .stream()
                .map(s -> s.deviceId)
                .sorted()
                .toList();
        events.emitFleet(d, active, reason);
    }

    private static boolean serves(DeviceModelEntity slot, DeploymentEntity d) {
        return slot.reportedState == TargetState.ACTIVE && slot.reportedModelVersion == d.modelVersion;
    }

    /** The model's rollout that completed last, or null. */
    private static DeploymentEntity production(String modelName) {
        return DeploymentEntity.<DeploymentEntity>find(
                        "modelName = ?1 and status = ?2 order by finishedAt desc",
                        modelName,
                        DeploymentStatus.COMPLETED)
                .firstResult();
    }
}
