package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.ModelOptimized;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The fleet's registrations, reports and rollout creation. Each public method is one transaction that first takes
 * the {@link FleetLock}: registrations and rollouts never interleave (a device registering while a rollout starts
 * joins exactly one of them). Devices' state reports are applied by {@link ReportIntake}. Waves, gates and rollbacks are in {@link RolloutService}.
 */
@ApplicationScoped
public class FleetService {
    private static final int COMPLETED_PAGE = 16;

    static final String PRODUCER = "deployment-service";
    private static final Logger LOG = Logger.getLogger(FleetService.class);

    @Inject
    FleetLock fleetLock;

    @Inject
    RolloutPlanner planner;

    @Inject
    PolicyService policies;

    @Inject
    DeploymentConfig config;

    @Inject
    Clock clock;

    private static List<String> modelsWithCompletedRollouts() {
        return DeploymentEntity.getEntityManager()
                .createQuery(
                        "select distinct d.modelName from DeploymentEntity d where d.status = :s order by d.modelName",
                        String.class)
                .setParameter("s", DeploymentStatus.COMPLETED)
                .getResultList();
    }

    /**
     * The newest completed rollout of {@code model} whose selector matches the device, read a page at a time: it is
     * nearly always the first (a model's rollouts usually share its policy's selector), so registering does not read
     * every rollout ever completed.
     */
    private static DeploymentEntity newestCompletedSelecting(String model, DeviceEntity device) {
        var rollouts = DeploymentEntity.<DeploymentEntity>find(
                        "modelName = ?1 and status = ?2",
                        io.quarkus.panache.common.Sort.descending("createdAt"),
                        model,
                        DeploymentStatus.COMPLETED)
                .page(io.quarkus.panache.common.Page.ofSize(COMPLETED_PAGE));
        for (List<DeploymentEntity> page = rollouts.list();
                !page.isEmpty();
                page = rollouts.nextPage().list()) {
            for (DeploymentEntity done : page) {
                if (WavePlan.matches(done.selector, device.labels, RolloutPlanner.profile(device, model))) {
                    return done;
                }
            }
            if (page.size() < COMPLETED_PAGE) {
                break;
            }
        }
        return null;
    }

    /**
     * Creates or updates a device (labels, capabilities). A device that matches the selector of an active rollout
     * and is not yet one of its targets joins it: in the current wave when that is the last one (or the rollout had
     * no device yet), else queued for the last wave. For a model without an active rollout that selects it, a device
     * that is not yet a target of the newest completed rollout selecting it (the version in production there) is
     * assigned that version at once.
     *
     * @throws IllegalArgumentException for a blank device id
     * @throws DeviceRevokedException when the device was revoked
     */
    @Transactional
    public RegisterOutcome register(RegisterDeviceRequest request) {
        String deviceId = request.getDeviceId().trim();
        if (deviceId.isEmpty()) {
            throw new IllegalArgumentException("device_id must not be blank");
        }
        fleetLock.lock();
        Instant now = clock.instant();
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            device = new DeviceEntity();
            device.id = deviceId;
            device.registeredAt = now;
            device.lastSeenAt = now;
            device.persist();
        } else if (device.isRevoked()) {
            throw new DeviceRevokedException(deviceId);
        }
        device.labels.clear();
        device.labels.putAll(request.getLabelsMap());
        capabilities(device, request.getCapabilities());
        device.lastSeenAt = now;

        List<AssignmentPush> pushes = new ArrayList<>();
        Set<String> followed = new HashSet<>();
        for (DeploymentEntity active : DeploymentEntity.<DeploymentEntity>list(
                "status in ?1 order by createdAt desc",
                List.of(DeploymentStatus.ROLLING_OUT, DeploymentStatus.PAUSED))) {
            if (!WavePlan.matches(active.selector, device.labels, RolloutPlanner.profile(device, active.modelName))
                    || !followed.add(active.modelName)) {
                continue; // per model, a device follows the newest rollout that selects it
            }
            if (Assignments.targetOf(active.id, device.id) == null) {
                planner.join(active, device, now).ifPresent(pushes::add);
            }
        }
        // a model no active rollout gives it: the newest completed rollout that selects the device (production)
        for (String model : modelsWithCompletedRollouts()) {
            if (followed.add(model)) {
                DeploymentEntity done = newestCompletedSelecting(model, device);
                if (done != null && Assignments.targetOf(done.id, device.id) == null) {
                    planner.join(done, device, now).ifPresent(pushes::add);
                }
            }
        }
        List<Assignment> current = Assignments.pushesOf(device.id).stream()
                .map(AssignmentPush::assignment)
                .toList();
        return new RegisterOutcome(current, pushes);
    }

    private static void capabilities(DeviceEntity device, DeviceCapabilities caps) {
        device.architecture = caps.getArchitecture();
        device.ramMb = caps.getRamMb();
        device.runtime = caps.getRuntime();
        device.runtimeVersion = caps.getRuntimeVersion();
        device.accelerators = DeviceEntity.join(caps.getAcceleratorsList());
        device.storageMb = caps.getStorageMb();
        device.maxOpset = caps.getMaxOpset();
        device.opDomains = DeviceEntity.join(caps.getOpDomainsList());
        device.tensorDatatypes = DeviceEntity.join(caps.getTensorDatatypesList());
        device.modelMemoryBudgetMb = caps.getModelMemoryBudgetMb();
        device.maxModels = caps.getMaxModels();
    }

    /**
     * Every desired assignment of a registered device (one per model), touching its last-seen time.
     *
     * @throws UnknownEntityException when the device is not registered
     * @throws DeviceRevokedException when the device was revoked
     */
    @Transactional
    public List<AssignmentPush> assignmentsOf(String deviceId) {
        DeviceEntity device = enrolled(deviceId);
        device.lastSeenAt = clock.instant();
        return Assignments.pushesOf(deviceId);
    }

    /**
     * The current desired assignments of a device for a push (nothing for a revoked or unknown device); unlike
     * {@link #assignmentsOf} it records no contact with the device.
     */
    @Transactional
    public List<AssignmentPush> currentAssignments(String deviceId) {
        DeviceEntity device = DeviceEntity.findById(deviceId);
        return device == null || device.isRevoked() ? List.of() : Assignments.pushesOf(deviceId);
    }

    /**
     * The desired-state revision of each of {@code deviceIds} (0 for none), or -1 for a revoked device; unknown
     * devices are left out.
     */
    @Transactional
    public java.util.Map<String, Long> revisions(java.util.Collection<String> deviceIds) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        if (deviceIds.isEmpty()) {
            return out;
        }
        for (DeviceEntity d : DeviceEntity.<DeviceEntity>list("id in ?1", deviceIds)) {
            out.put(d.id, d.isRevoked() ? -1L : d.desiredRevision == null ? 0L : d.desiredRevision);
        }
        return out;
    }

    /**
     * Checks that {@code deviceId} is registered and not revoked.
     *
     * @throws UnknownEntityException when the device is not registered
     * @throws DeviceRevokedException when the device was revoked
     */
    @Transactional
    public void requireEnrolled(String deviceId) {
        enrolled(deviceId);
    }

    static DeviceEntity enrolled(String deviceId) {
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            throw new UnknownEntityException("device '" + deviceId + "' is not registered");
        }
        if (device.isRevoked()) {
            throw new DeviceRevokedException(deviceId);
        }
        return device;
    }

    /**
     * Starts the staged rollout announced by a ModelOptimized event: the devices matching the model's selector get
     * a variant each (by capabilities) and are split into waves; the first wave is assigned now. An active rollout of
     * the same model is superseded. Runs in the transaction that records the event in the inbox.
     *
     * @param variants the event's deployable variants with their registry signatures
     * @param traceparent trace context of the rollout, copied into every assignment
     * @return the assignments to push after the commit
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<AssignmentPush> startRollout(ModelOptimized event, List<VariantOption> variants, String traceparent) {
        fleetLock.lock();
        Instant now = clock.instant();
        for (DeploymentEntity old : DeploymentEntity.<DeploymentEntity>list(
                "modelName = ?1 and status = ?2", event.getModelName(), DeploymentStatus.HELD)) {
            planner.supersede(old, event.getModelVersion(), now); // a newer version replaces a held one
        }
        DeploymentEntity d = record(event, variants, traceparent, now);
        Optional<Policy> policy = policies.resolve(event.getModelName());
        if (policy.isEmpty() || !policy.get().autoRollout()) {
            d.status = DeploymentStatus.HELD;
            d.statusReason = policy.isEmpty()
                    ? "no deployment policy matches model '" + d.modelName + "'"
                    : "awaiting approval (policy '" + policy.get().name() + "' has autoRollout=false)";
            RolloutEvents.history(
                    d, "held", null, d.statusReason + "; start with POST /rollouts/" + d.id + "/start", now);
            LOG.infof("rollout %s of %s v%d held: %s", d.id, d.modelName, d.modelVersion, d.statusReason);
            return List.of();
        }
        return planner.begin(d, policy.get(), now);
    }

    /** Stores the deployment of a ModelOptimized event (status HELD until started) with its variants. */
    private DeploymentEntity record(
            ModelOptimized event, List<VariantOption> variants, String traceparent, Instant now) {
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
        d.status = DeploymentStatus.HELD;
        d.causeEventId = event.getMeta().getEventId();
        d.correlationId = event.getMeta().getCorrelationId();
        d.traceparent = traceparent;
        d.createdAt = now;
        d.promotionEvidence = event.hasPromotion() ? event.getPromotion().toByteArray() : null;
        d.classLabels = event.getClassLabelsCount() == 0 ? null : String.join("\n", event.getClassLabelsList());
        d.apply(RolloutSettings.resolve(config.rollout(), ""));
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
            e.signatureSpec =
                    v.signatureSpec() == null ? null : v.signatureSpec().toByteArray();
            e.persist();
        }
        return d;
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
