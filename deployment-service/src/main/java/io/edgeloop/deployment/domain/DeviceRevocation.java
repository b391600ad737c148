package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.input.FieldLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Revoking a device (an administrator's action): the device is marked revoked, its per-model desired and reported
 * state is removed, and it leaves the rollouts in progress (its targets there that were not settled or failed become
 * INCOMPATIBLE with a message saying it was revoked, so no wave waits for it). Every later call made for it is refused
 * ({@link DeviceRevokedException}); its live watch stream is ended by the caller after the commit.
 */
@ApplicationScoped
public class DeviceRevocation {
    private static final Logger LOG = Logger.getLogger(DeviceRevocation.class);
    private static final List<TargetState> OPEN_TARGETS =
            List.of(TargetState.QUEUED, TargetState.PENDING, TargetState.DOWNLOADING, TargetState.ACTIVE);

    @Inject
    FleetLock fleetLock;

    @Inject
    FleetTruth fleetTruth;

    @Inject
    Clock clock;

    /**
     * Revokes {@code deviceId} on behalf of {@code actor}; revoking a revoked device again changes nothing.
     *
     * @return false when no such device is registered
     */
    @Transactional
    public boolean revoke(String deviceId, String actor) {
        fleetLock.lock();
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            return false;
        }
        if (device.isRevoked()) {
            return true;
        }
        Instant now = clock.instant();
        device.revokedAt = now;
        device.revokedBy = FleetService.truncate(actor, FieldLimits.ID);
        String why = "device " + deviceId + " was revoked by " + actor;
        for (DeviceModelEntity slot : DeviceModelEntity.<DeviceModelEntity>list("deviceId = ?1", deviceId)) {
            FleetTruth.Before before = fleetTruth.before(slot);
            slot.reportedState = null; // it serves nothing the stack counts any more
            slot.delete();
            fleetTruth.after(before, slot, why);
        }
        for (DeploymentTargetEntity t : DeploymentTargetEntity.<DeploymentTargetEntity>list(
                "deviceId = ?1 and state in ?2", deviceId, OPEN_TARGETS)) {
            DeploymentEntity d = DeploymentEntity.findById(t.deploymentId);
            if (d == null || !d.isActive()) {
                continue;
            }
            t.state = TargetState.INCOMPATIBLE;
            t.message = why;
            t.updatedAt = now;
            RolloutEvents.history(d, "device-revoked", t.wave, why, now, actor);
        }
        LOG.infof("%s", why);
        return true;
    }
}
