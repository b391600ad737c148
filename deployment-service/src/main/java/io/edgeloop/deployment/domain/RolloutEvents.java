package io.edgeloop.deployment.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.TraceContext;
import io.edgeloop.common.events.DeployedPhases;
import io.edgeloop.deployment.gate.GateVerdict;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.RolloutGateEntity;
import io.edgeloop.deployment.persistence.RolloutHistoryEntity;
import io.edgeloop.deployment.persistence.TargetState;
import io.edgeloop.kit.input.FieldLimits;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.EventMeta;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * What a rollout records and announces: {@code Deployed} events through the outbox (phases {@code wave},
 * {@code completed}, {@code rolled-back}, {@code rejected}, {@code fleet}), gate results and history entries. Called
 * inside the deciding transaction.
 */
@ApplicationScoped
public class RolloutEvents {
    private static final Logger LOG = Logger.getLogger(RolloutEvents.class);

    @Inject
    Outbox outbox;

    @Inject
    Tracer tracer;

    /** Deployed for a passed wave or the completion: the devices active on the new version now. */
    String emitDeployed(DeploymentEntity d, String phase, int wave, List<DeploymentTargetEntity> targets) {
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
                sha,
                "");
    }

    /** Deployed phase {@code rolled-back}: the devices sent back. */
    void emitRolledBack(DeploymentEntity d, List<String> reverted, String reason) {
        emit(
                d,
                "rolled-back",
                d.currentWave == null ? 1 : d.currentWave,
                reverted.stream().sorted().toList(),
                reverted.size(),
                0,
                d.variantId,
                d.artifactSha256,
                reason);
    }

    /** Deployed phase {@code rejected}: the promotion gate refused the version; no device was touched. */
    String emitRejected(DeploymentEntity d, String reason) {
        return emit(d, "rejected", 0, List.of(), 0, 0, d.variantId, d.artifactSha256, reason);
    }

    /** Deployed phase {@code fleet}: after completion, the devices reporting the version ACTIVE changed. */
    String emitFleet(DeploymentEntity d, List<String> activeDevices, String reason) {
        return emit(
                d,
                "fleet",
                d.wavesTotal == null ? 1 : d.wavesTotal,
                activeDevices.stream().sorted().toList(),
                activeDevices.size(),
                activeDevices.size(),
                d.variantId,
                d.artifactSha256,
                reason);
    }

    private String emit(
            DeploymentEntity d,
            String phase,
            int wave,
            List<String> deviceIds,
            int targeted,
            int active,
            String variantId,
            String sha256,
            String reason) {
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
                    .setPhaseKind(DeployedPhases.parse(phase))
                    .setReason(reason == null ? "" : reason)
                    .build();
            outbox.enqueue(Topics.DEPLOYED, d.modelName, meta, event);
            LOG.infof("rollout %s: Deployed %s wave %d/%s on %s", d.id, phase, wave, d.wavesTotal, deviceIds);
            return meta.getEventId();
        } finally {
            span.end();
        }
    }

    /** Records a gate result of the current wave. */
    static RolloutGateEntity gate(
            DeploymentEntity d, String outcome, List<String> reasons, GateVerdict.Metrics m, Instant now) {
        RolloutGateEntity g = new RolloutGateEntity();
        g.deploymentId = d.id;
        g.wave = d.currentWave == null ? 1 : d.currentWave;
        g.outcome = outcome;
        g.reasons = FleetService.truncate(String.join("\n", reasons), 4000);
        g.windows = m.windows();
        g.inferences = m.inferences();
        g.errors = m.errors();
        g.clientErrors = m.clientErrors();
        g.errorRate = m.errorRate();
        g.latencyP99Us = m.latencyP99Us();
        g.predictionShift = m.predictionShift();
        g.evaluatedAt = now;
        g.persist();
        return g;
    }

    /** Appends to a rollout's history what the service decided by itself (the actor is the service). */
    static void history(DeploymentEntity d, String action, Integer wave, String detail, Instant now) {
        history(d, action, wave, detail, now, FleetService.PRODUCER);
    }

    /** Appends to a rollout's history what {@code actor} (an authenticated subject, or the service) did. */
    static void history(DeploymentEntity d, String action, Integer wave, String detail, Instant now, String actor) {
        RolloutHistoryEntity h = new RolloutHistoryEntity();
        h.actor = FleetService.truncate(actor, FieldLimits.ID);
        h.deploymentId = d.id;
        h.at = now;
        h.action = action;
        h.wave = wave;
        h.detail = FleetService.truncate(detail, 4000);
        h.persist();
    }

    /** The last history entry of a rollout, or null. */
    static RolloutHistoryEntity lastHistory(DeploymentEntity d) {
        return RolloutHistoryEntity.<RolloutHistoryEntity>find("deploymentId = ?1 order by id desc", d.id)
                .firstResult();
    }
}
