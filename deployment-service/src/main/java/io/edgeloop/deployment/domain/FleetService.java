package io.edgeloop.deployment.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.TraceContext;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.VariantSummary;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The fleet's state machine. Each public method is one transaction that first takes a PostgreSQL advisory lock, so
 * registrations, rollouts and reports never interleave (a device registering while a rollout starts joins exactly
 * one of them).
 */
@ApplicationScoped
public class FleetService {
    /** Consumer name of the ModelOptimized inbox. */
    public static final String CONSUMER = "deployment-service/model-optimized";

    static final String PRODUCER = "deployment-service";
    private static final Logger LOG = Logger.getLogger(FleetService.class);
    private static final long FLEET_LOCK = 0x65646765_6c6f6f70L; // "edgeloop"

    @Inject
    EntityManager em;

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    @Inject
    Tracer tracer;

    /**
     * Creates or updates a device. A device that registers while a deployment is rolling out joins its targets.
     *
     * @throws IllegalArgumentException for a blank device id
     */
    @Transactional
    public RegisterOutcome register(RegisterDeviceRequest request) {
        String deviceId = request.getDeviceId().trim();
        if (deviceId.isEmpty()) {
            throw new IllegalArgumentException("device_id must not be blank");
        }
        lockFleet();
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
        device.lastSeenAt = now;

        Optional<AssignmentPush> push = Optional.empty();
        DeploymentEntity rolling = currentRollout().orElse(null);
        if (rolling != null && !rolling.id.equals(device.desiredDeploymentId)) {
            addTarget(rolling, device, now);
            push = Optional.of(new AssignmentPush(deviceId, Assignments.of(rolling), rolling.createdAt));
            LOG.infof("device %s joined rolling deployment %s", deviceId, rolling.id);
        }
        return new RegisterOutcome(desiredAssignment(device), push);
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
        if (device.desiredDeploymentId == null) {
            return Optional.empty();
        }
        return DeploymentEntity.<DeploymentEntity>findByIdOptional(device.desiredDeploymentId)
                .map(d -> new AssignmentPush(deviceId, Assignments.of(d), d.createdAt));
    }

    /** Whether {@code deviceId} is registered. */
    @Transactional
    public boolean isRegistered(String deviceId) {
        return DeviceEntity.findById(deviceId) != null;
    }

    /**
     * Starts the rollout announced by a ModelOptimized event: every registered device gets the recommended variant
     * as its desired assignment, and a deployment still rolling out is superseded. The event is recorded in the
     * inbox in the same transaction.
     *
     * @param traceparent trace context of the rollout, copied into every assignment
     * @return the assignments to push, or empty when the event was processed before
     */
    @Transactional
    public Optional<List<AssignmentPush>> startRollout(
            ModelOptimized event, VariantSummary variant, String traceparent) {
        if (!inbox.firstDelivery(CONSUMER, event.getMeta().getEventId())) {
            return Optional.empty();
        }
        lockFleet();
        Instant now = Instant.now();
        currentRollout().ifPresent(old -> {
            old.status = DeploymentStatus.SUPERSEDED;
            old.finishedAt = now;
            LOG.infof("deployment %s superseded", old.id);
        });
        DeploymentEntity d = new DeploymentEntity();
        d.id = UUID.randomUUID().toString();
        d.modelName = event.getModelName();
        d.modelVersion = event.getModelVersion();
        d.variantId = variant.getVariantId();
        d.artifactSha256 = variant.getArtifactSha256();
        d.sizeBytes = variant.getSizeBytes();
        d.format = variant.getFormat().isBlank() ? "onnx" : variant.getFormat();
        d.snapshotId = event.getSnapshotId();
        d.status = DeploymentStatus.ROLLING_OUT;
        d.causeEventId = event.getMeta().getEventId();
        d.correlationId = event.getMeta().getCorrelationId();
        d.traceparent = traceparent;
        d.createdAt = now;
        d.persist();

        Assignment assignment = Assignments.of(d);
        List<AssignmentPush> pushes = new ArrayList<>();
        List<DeviceEntity> devices = DeviceEntity.listAll();
        for (DeviceEntity device : devices) {
            addTarget(d, device, now);
            pushes.add(new AssignmentPush(device.id, assignment, d.createdAt));
        }
        LOG.infof(
                "deployment %s: %s v%d variant %s to %d device(s)",
                d.id, d.modelName, d.modelVersion, d.variantId, devices.size());
        return Optional.of(pushes);
    }

    /**
     * Records a device's reported state for a deployment. When every target of a rolling deployment is ACTIVE, the
     * deployment completes and Deployed is enqueued in the same transaction; when every target FAILED, it fails.
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
            default -> {
                problems.add("state must be DOWNLOADING, ACTIVE or FAILED");
                yield null;
            }
        };
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        lockFleet();
        DeviceEntity device = DeviceEntity.findById(report.getDeviceId());
        if (device == null) {
            throw new UnknownEntityException("device '" + report.getDeviceId() + "' is not registered");
        }
        DeploymentEntity d = DeploymentEntity.findById(report.getDeploymentId());
        if (d == null) {
            throw new UnknownEntityException("no deployment '" + report.getDeploymentId() + "'");
        }
        Instant now = Instant.now();
        device.lastSeenAt = now;
        device.reportedDeploymentId = d.id;
        device.reportedState = state;
        device.reportedModelName = report.getModelName().isBlank() ? d.modelName : report.getModelName();
        device.reportedModelVersion = report.getModelVersion() == 0 ? d.modelVersion : report.getModelVersion();
        device.reportedVariantId = report.getVariantId().isBlank() ? d.variantId : report.getVariantId();
        device.reportedMessage = truncate(report.getMessage(), 2000);
        device.reportedAt = now;

        DeploymentTargetEntity target = DeploymentTargetEntity.find(
                        "deploymentId = ?1 and deviceId = ?2", d.id, device.id)
                .firstResult();
        if (target == null) {
            LOG.infof("device %s reported %s for deployment %s it is not a target of", device.id, state, d.id);
            return;
        }
        target.state = state;
        target.message = truncate(report.getMessage(), 2000);
        target.updatedAt = now;
        if (d.status == DeploymentStatus.ROLLING_OUT) {
            settle(d, now);
        }
    }

    /** Completes or fails a rolling deployment whose targets all reached the same final state. */
    private void settle(DeploymentEntity d, Instant now) {
        List<DeploymentTargetEntity> targets = targetsOf(d.id);
        long active =
                targets.stream().filter(t -> t.state == TargetState.ACTIVE).count();
        long failed =
                targets.stream().filter(t -> t.state == TargetState.FAILED).count();
        if (!targets.isEmpty() && active == targets.size()) {
            d.status = DeploymentStatus.COMPLETED;
            d.finishedAt = now;
            emitDeployed(d, targets);
        } else if (!targets.isEmpty() && failed == targets.size()) {
            d.status = DeploymentStatus.FAILED;
            d.finishedAt = now;
            LOG.warnf("deployment %s failed on all %d device(s)", d.id, targets.size());
        }
    }

    private void emitDeployed(DeploymentEntity d, List<DeploymentTargetEntity> targets) {
        Span span = tracer.spanBuilder("deployment completed")
                .setParent(TraceContext.contextOf(d.traceparent))
                .setAttribute("edgeloop.deployment_id", d.id)
                .setAttribute("edgeloop.model", d.modelName + "@v" + d.modelVersion)
                .setAttribute("edgeloop.devices", targets.size())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            EventMeta cause = EventMeta.newBuilder()
                    .setEventId(d.causeEventId)
                    .setCorrelationId(d.correlationId == null ? "" : d.correlationId)
                    .build();
            EventMeta meta = Events.causedBy(PRODUCER, cause);
            Deployed event = Deployed.newBuilder()
                    .setMeta(meta)
                    .setDeploymentId(d.id)
                    .setModelName(d.modelName)
                    .setModelVersion(d.modelVersion)
                    .setVariantId(d.variantId)
                    .setArtifactSha256(d.artifactSha256)
                    .addAllDeviceIds(
                            targets.stream().map(t -> t.deviceId).sorted().toList())
                    .setDevicesTargeted(targets.size())
                    .setDevicesActive((int) targets.stream()
                            .filter(t -> t.state == TargetState.ACTIVE)
                            .count())
                    .setSnapshotId(d.snapshotId == null ? "" : d.snapshotId)
                    .build();
            outbox.enqueue(Topics.DEPLOYED, d.modelName, meta, event);
            d.deployedEventId = meta.getEventId();
            LOG.infof("deployment %s completed on %d device(s)", d.id, targets.size());
        } finally {
            span.end();
        }
    }

    /** Targets of a deployment, by device id. */
    public List<DeploymentTargetEntity> targetsOf(String deploymentId) {
        return DeploymentTargetEntity.list("deploymentId = ?1 order by deviceId", deploymentId);
    }

    private Optional<DeploymentEntity> currentRollout() {
        return DeploymentEntity.find("status = ?1 order by createdAt desc", DeploymentStatus.ROLLING_OUT)
                .firstResultOptional();
    }

    private Optional<Assignment> desiredAssignment(DeviceEntity device) {
        if (device.desiredDeploymentId == null) {
            return Optional.empty();
        }
        return DeploymentEntity.<DeploymentEntity>findByIdOptional(device.desiredDeploymentId)
                .map(Assignments::of);
    }

    private void addTarget(DeploymentEntity d, DeviceEntity device, Instant now) {
        DeploymentTargetEntity t = new DeploymentTargetEntity();
        t.deploymentId = d.id;
        t.deviceId = device.id;
        t.state = TargetState.PENDING;
        t.updatedAt = now;
        t.persist();
        device.desiredDeploymentId = d.id;
    }

    private void lockFleet() {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1)) as l")
                .setParameter(1, FLEET_LOCK)
                .getSingleResult();
    }

    private static String truncate(String s, int max) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
