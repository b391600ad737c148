package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.ModelOptimized;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The fleet's registrations, reports and rollout creation. Each public method is one transaction that first takes
 * the {@link FleetLock}, so registrations, rollouts and reports never interleave (a device registering while a
 * rollout starts joins exactly one of them). Waves, gates and rollbacks are in {@link RolloutService}.
 */
@ApplicationScoped
public class FleetService {
    /** Consumer name of the ModelOptimized inbox. */
    public static final String CONSUMER = "deployment-service/model-optimized";

    static final String PRODUCER = "deployment-service";
    private static final Logger LOG = Logger.getLogger(FleetService.class);
    private static final Set<TargetState> SETTLED_TARGETS =
            EnumSet.of(TargetState.QUEUED, TargetState.INCOMPATIBLE, TargetState.ROLLED_BACK);

    @Inject
    FleetLock fleetLock;

    @Inject
    Inbox inbox;

    @Inject
    RolloutService rollouts;

    @Inject
    DeploymentConfig config;

    /**
     * Creates or updates a device (labels, capabilities). A device that matches the selector of an active rollout
     * and is not yet one of its targets joins it: in the current wave when that is the last one (or the rollout had
     * no device yet), else queued for the last wave.
     *
     * @throws IllegalArgumentException for a blank device id
     */
    @Transactional
    public RegisterOutcome register(RegisterDeviceRequest request) {
        String deviceId = request.getDeviceId().trim();
        if (deviceId.isEmpty()) {
            throw new IllegalArgumentException("device_id must not be blank");
        }
        fleetLock.lock();
        Instant now = Instant.now();
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            device = new DeviceEntity();
            device.id = deviceId;
            device.registeredAt = now;
            device.lastSeenAt = now;
            device.persist();
        }
        device.labels.clear();
        device.labels.putAll(request.getLabelsMap());
        var caps = request.getCapabilities();
        device.architecture = caps.getArchitecture();
        device.ramMb = caps.getRamMb();
        device.runtime = caps.getRuntime();
        device.runtimeVersion = caps.getRuntimeVersion();
        device.accelerators = caps.getAcceleratorsList().isEmpty()
                ? null
                : String.join(
                        ",",
                        caps.getAcceleratorsList().stream().map(String::trim).toList());
        device.storageMb = caps.getStorageMb();
        device.lastSeenAt = now;

        Optional<AssignmentPush> push = Optional.empty();
        for (DeploymentEntity active : DeploymentEntity.<DeploymentEntity>list(
                "status in ?1 order by createdAt desc",
                List.of(DeploymentStatus.ROLLING_OUT, DeploymentStatus.PAUSED))) {
            if (!WavePlan.matches(active.selector, device.labels)) {
                continue;
            }
            if (Assignments.targetOf(active.id, device.id) == null) {
                push = rollouts.join(active, device, now);
            }
            break; // a device follows the newest rollout that selects it
        }
        return new RegisterOutcome(Assignments.desiredOf(device), push);
    }

    /**
     * The desired assignment of a registered device, touching its last-seen time.
     *
     * @throws UnknownEntityException when the device is not registered
     */
    @Transactional
    public Optional<AssignmentPush> assignmentOf(String deviceId) {
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            throw new UnknownEntityException("device '" + deviceId + "' is not registered");
        }
        device.lastSeenAt = Instant.now();
        return Assignments.pushOf(device);
    }

    /** Whether {@code deviceId} is registered. */
    @Transactional
    public boolean isRegistered(String deviceId) {
        return DeviceEntity.findById(deviceId) != null;
    }

    /**
     * Starts the staged rollout announced by a ModelOptimized event: the devices matching the model's selector get
     * a variant each (by capabilities) and are split into waves; the first wave is assigned now. An active rollout of
     * the same model is superseded. The event is recorded in the inbox in the same transaction.
     *
     * @param variants the event's deployable variants with their registry signatures
     * @param traceparent trace context of the rollout, copied into every assignment
     * @return the assignments to push, or empty when the event was processed before
     */
    @Transactional
    public Optional<List<AssignmentPush>> startRollout(
            ModelOptimized event, List<VariantOption> variants, String traceparent) {
        if (!inbox.firstDelivery(CONSUMER, event.getMeta().getEventId())) {
            return Optional.empty();
        }
        fleetLock.lock();
        RolloutSettings settings = RolloutSettings.resolve(config.rollout(), event.getModelName());
        Instant now = Instant.now();
        for (DeploymentEntity old : DeploymentEntity.<DeploymentEntity>list(
                "modelName = ?1 and status in ?2",
                event.getModelName(),
                List.of(DeploymentStatus.ROLLING_OUT, DeploymentStatus.PAUSED))) {
            rollouts.supersede(old, event.getModelVersion(), now);
        }
        VariantOption recommended = variants.stream()
                .filter(VariantOption::recommended)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no recommended variant"));
        DeploymentEntity d = new DeploymentEntity();
        d.id = UUID.randomUUID().toString();
        d.modelName = event.getModelName();
        d.modelVersion = event.getModelVersion();
        d.variantId = recommended.variantId();
        d.artifactSha256 = recommended.artifactSha256();
        d.sizeBytes = recommended.sizeBytes();
        d.format = recommended.format();
        d.snapshotId = event.getSnapshotId();
        d.status = DeploymentStatus.ROLLING_OUT;
        d.causeEventId = event.getMeta().getEventId();
        d.correlationId = event.getMeta().getCorrelationId();
        d.traceparent = traceparent;
        d.createdAt = now;
        d.apply(settings);
        d.persist();
        for (VariantOption v : variants) {
            DeploymentVariantEntity e = new DeploymentVariantEntity();
            e.deploymentId = d.id;
            e.variantId = v.variantId();
            e.target = v.target();
            e.format = v.format();
            e.artifactSha256 = v.artifactSha256();
            e.sizeBytes = v.sizeBytes();
            e.ramBytes = v.ramBytes();
            e.flashBytes = v.flashBytes();
            e.accuracy = v.accuracy();
            e.recommended = v.recommended();
            e.signature = v.signature().isEmpty() ? null : v.signature();
            e.signingKeyId = v.signingKeyId().isEmpty() ? null : v.signingKeyId();
            e.persist();
        }
        List<AssignmentPush> pushes = rollouts.plan(d, variants, now);
        return Optional.of(pushes);
    }

    /**
     * Records a device's reported state for a deployment in its twin and its target. Waves advance (and fail) in
     * {@link RolloutService#advance}; a report for a target that is queued, incompatible or rolled back updates only
     * the twin, and so does UNLOADED (the device applied an unassigned desired state and runs no model).
     *
     * @throws IllegalArgumentException for a blank id or an unspecified state
     * @throws UnknownEntityException for an unregistered device or an unknown deployment
     */
    @Transactional
    public void report(DeviceStateReport report) {
        List<String> problems = new ArrayList<>();
        if (report.getDeviceId().isBlank()) {
            problems.add("device_id must not be blank");
        }
        if (report.getDeploymentId().isBlank()) {
            problems.add("deployment_id must not be blank");
        }
        TargetState state = switch (report.getState()) {
            case DOWNLOADING -> TargetState.DOWNLOADING;
            case ACTIVE -> TargetState.ACTIVE;
            case FAILED -> TargetState.FAILED;
            case UNLOADED -> TargetState.UNLOADED;
            default -> {
                problems.add("state must be DOWNLOADING, ACTIVE, FAILED or UNLOADED");
                yield null;
            }
        };
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        fleetLock.lock();
        DeviceEntity device = DeviceEntity.findById(report.getDeviceId());
        if (device == null) {
            throw new UnknownEntityException("device '" + report.getDeviceId() + "' is not registered");
        }
        DeploymentEntity d = DeploymentEntity.findById(report.getDeploymentId());
        if (d == null) {
            throw new UnknownEntityException("no deployment '" + report.getDeploymentId() + "'");
        }
        DeploymentTargetEntity target = Assignments.targetOf(d.id, device.id);
        Instant now = Instant.now();
        device.lastSeenAt = now;
        device.reportedDeploymentId = d.id;
        device.reportedState = state;
        device.reportedMessage = truncate(report.getMessage(), 2000);
        device.reportedAt = now;
        if (state == TargetState.UNLOADED) {
            // the device runs no model; the deployment is the unassigned one it applied. Never a target's state.
            device.reportedModelName = null;
            device.reportedModelVersion = 0;
            device.reportedVariantId = null;
            LOG.infof("device %s unloaded its model (unassigned by deployment %s)", device.id, d.id);
            return;
        }
        device.reportedModelName = report.getModelName().isBlank() ? d.modelName : report.getModelName();
        device.reportedModelVersion = report.getModelVersion() == 0 ? d.modelVersion : report.getModelVersion();
        String variant = target != null && target.variantId != null ? target.variantId : d.variantId;
        device.reportedVariantId = report.getVariantId().isBlank() ? variant : report.getVariantId();

        if (target == null) {
            LOG.infof("device %s reported %s for deployment %s it is not a target of", device.id, state, d.id);
            return;
        }
        if (SETTLED_TARGETS.contains(target.state)) {
            LOG.debugf("device %s reported %s for its %s target of %s", device.id, state, target.state, d.id);
            return;
        }
        target.state = state;
        target.message = truncate(report.getMessage(), 2000);
        target.updatedAt = now;
    }

    /** Targets of a deployment, by device id. */
    public List<DeploymentTargetEntity> targetsOf(String deploymentId) {
        return DeploymentTargetEntity.list("deploymentId = ?1 order by deviceId", deploymentId);
    }

    static String truncate(String s, int max) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
