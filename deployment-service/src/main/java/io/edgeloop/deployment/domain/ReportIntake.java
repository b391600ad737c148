package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.batch.GroupCommit;
import io.edgeloop.kit.batch.TransactionalGroupCommit;
import io.edgeloop.kit.input.FieldLimits;
import io.edgeloop.proto.deployment.v1.DeviceModelState;
import io.edgeloop.proto.deployment.v1.DeviceStateReport;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Devices' state reports (ReportState), applied by a {@link GroupCommit}: reports arriving together share one
 * transaction, which takes the devices' locks (shared fleet lock plus each device's own, in device id order, so
 * batches never deadlock) before applying each report in arrival order. A batch that fails (an unknown deployment,
 * a revoked device) is retried report by report, so only the bad report's caller sees its error. At the scale of a
 * rollout wave this turns one commit per device into one per batch.
 */
@Startup // invalid settings stop the start
@ApplicationScoped
public class ReportIntake {
    private static final Logger LOG = Logger.getLogger(ReportIntake.class);
    private static final Set<TargetState> SETTLED_TARGETS =
            EnumSet.of(TargetState.QUEUED, TargetState.INCOMPATIBLE, TargetState.ROLLED_BACK);

    @Inject
    FleetLock fleetLock;

    @Inject
    FleetTruth fleetTruth;

    @Inject
    DeploymentConfig config;

    @Inject
    Clock clock;

    private GroupCommit<Arrival, Boolean> commits;

    /**
     * A validated report, its state as a target state, and the trace context of the call that brought it: events it
     * causes continue that trace.
     */
    record Arrival(DeviceStateReport report, TargetState state, Context context) {}

    @PostConstruct
    void start() {
        commits = TransactionalGroupCommit.start(
                "reports",
                this::applyAll,
                config.reports().batchSize(),
                config.reports().committers(),
                "edgeloop.deployment.reports");
    }

    @PreDestroy
    void stop() {
        commits.close();
    }

    /**
     * Records a device's reported state for a deployment in the twin slot of the report's model (its model_name, else
     * the deployment's) and in its target. Waves advance (and fail) in {@link RolloutService#advance}; a report for a
     * target that is queued, incompatible or rolled back updates only the twin, and so does UNLOADED (the device runs
     * no version of that model). REFUSED fails the target like FAILED, but the slot keeps what the device runs (so does
     * DOWNLOADING while the slot reports another deployment ACTIVE).
     *
     * @throws IllegalArgumentException for a blank id or an unspecified state
     * @throws UnknownEntityException for an unregistered device or an unknown deployment
     * @throws DeviceRevokedException when the device was revoked
     */
    public void report(DeviceStateReport report) {
        TargetState state = validate(report); // refused before it is queued
        commits.apply(
                new Arrival(report, state, Context.current()), config.reports().timeout());
    }

    /** Group commit counters. */
    public GroupCommit.Stats stats() {
        return commits.stats();
    }

    /** Applies reports in the caller's transaction, in order: {@link #report} for many. */
    @Transactional(Transactional.TxType.MANDATORY)
    List<Boolean> applyAll(List<Arrival> arrivals) {
        Set<String> devices = new TreeSet<>();
        arrivals.forEach(a -> devices.add(a.report().getDeviceId()));
        devices.forEach(fleetLock::lockDevice);
        for (Arrival a : arrivals) {
            try (Scope scope = a.context().makeCurrent()) {
                apply(a.report(), a.state());
            }
        }
        return Collections.nCopies(arrivals.size(), Boolean.TRUE);
    }

    private void apply(DeviceStateReport report, TargetState state) {
        DeviceEntity device = FleetService.enrolled(report.getDeviceId());
        DeploymentEntity d = DeploymentEntity.findById(report.getDeploymentId());
        if (d == null) {
            throw new UnknownEntityException("no deployment '" + report.getDeploymentId() + "'");
        }
        DeploymentTargetEntity target = Assignments.targetOf(d.id, device.id);
        Instant now = clock.instant();
        device.lastSeenAt = now;
        String model = report.getModelName().isBlank() ? d.modelName : report.getModelName();
        DeviceModelEntity slot = Slots.getOrCreate(device.id, model);
        boolean refused = report.getState() == DeviceModelState.REFUSED;
        String message = FleetService.truncate(report.getMessage(), FieldLimits.MESSAGE);
        FleetTruth.Before before = fleetTruth.before(slot);
        boolean keepsServing = state == TargetState.DOWNLOADING
                && slot.reportedState == TargetState.ACTIVE
                && !d.id.equals(slot.reportedDeploymentId);
        if (refused || keepsServing) {
            // the device keeps serving what it served for this model: the slot's reported state stays
            slot.reportedMessage = FleetService.truncate(
                    (refused ? "refused deployment " : "downloading deployment ") + d.id + " (v" + d.modelVersion + ")"
                            + (message == null ? "" : ": " + message),
                    2000);
            slot.reportedAt = now;
        } else {
            slot.reportedDeploymentId = d.id;
            slot.reportedState = state;
            slot.reportedMessage = message;
            slot.reportedAt = now;
            if (state == TargetState.UNLOADED) {
                slot.reportedModelVersion = 0;
                slot.reportedVariantId = null;
                LOG.infof("device %s unloaded model %s (unassigned by deployment %s)", device.id, model, d.id);
            } else {
                slot.reportedModelVersion = report.getModelVersion() == 0 ? d.modelVersion : report.getModelVersion();
                String variant = target != null && target.variantId != null ? target.variantId : d.variantId;
                slot.reportedVariantId = report.getVariantId().isBlank() ? variant : report.getVariantId();
            }
        }
        fleetTruth.after(
                before,
                slot,
                device.id + " reported " + report.getState() + " for " + model + " v"
                        + (report.getModelVersion() == 0 ? d.modelVersion : report.getModelVersion()));
        if (state == TargetState.UNLOADED) {
            return; // never a target's state
        }
        if (target == null) {
            LOG.infof("device %s reported %s for deployment %s it is not a target of", device.id, state, d.id);
            return;
        }
        if (SETTLED_TARGETS.contains(target.state)) {
            LOG.debugf("device %s reported %s for its %s target of %s", device.id, state, target.state, d.id);
            return;
        }
        target.state = state;
        target.message = refused
                ? FleetService.truncate("REFUSED: " + (message == null ? "" : message), FieldLimits.MESSAGE)
                : message;
        target.updatedAt = now;
    }

    private static TargetState validate(DeviceStateReport report) {
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
            case FAILED, REFUSED -> TargetState.FAILED;
            case UNLOADED -> TargetState.UNLOADED;
            default -> {
                problems.add("state must be DOWNLOADING, ACTIVE, FAILED, REFUSED or UNLOADED");
                yield null;
            }
        };
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return state;
    }
}
