package io.edgeloop.deployment.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON views of the fleet returned by the REST API. */
public final class Views {
    private Views() {}

    /** Hardware and runtime a device reported at registration. */
    public record Capabilities(String architecture, int ramMb, String runtime, String runtimeVersion) {}

    /** What a device should run. */
    public record Desired(
            String deploymentId, String modelName, int modelVersion, String variantId, String artifactSha256) {}

    /** What a device last reported. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reported(
            String deploymentId,
            TargetState state,
            String modelName,
            int modelVersion,
            String variantId,
            String message,
            Instant reportedAt) {}

    /**
     * A device twin.
     *
     * @param connected whether the device has a live WatchAssignments stream to this instance
     * @param inSync whether it reported ACTIVE for its desired deployment
     */
    public record Device(
            String id,
            Map<String, String> labels,
            Capabilities capabilities,
            Instant registeredAt,
            Instant lastSeenAt,
            boolean connected,
            Desired desired,
            Reported reported,
            boolean inSync) {
        static Device of(DeviceEntity d, DeploymentEntity desired, boolean connected) {
            Reported reported = d.reportedState == null
                    ? null
                    : new Reported(
                            d.reportedDeploymentId,
                            d.reportedState,
                            d.reportedModelName,
                            d.reportedModelVersion,
                            d.reportedVariantId,
                            d.reportedMessage,
                            d.reportedAt);
            boolean inSync = desired != null
                    && desired.id.equals(d.reportedDeploymentId)
                    && d.reportedState == TargetState.ACTIVE;
            return new Device(
                    d.id,
                    new TreeMap<>(d.labels),
                    new Capabilities(d.architecture, d.ramMb, d.runtime, d.runtimeVersion),
                    d.registeredAt,
                    d.lastSeenAt,
                    connected,
                    desired == null
                            ? null
                            : new Desired(
                                    desired.id,
                                    desired.modelName,
                                    desired.modelVersion,
                                    desired.variantId,
                                    desired.artifactSha256),
                    reported,
                    inSync);
        }
    }

    /** One device of a deployment. */
    public record Target(String deviceId, TargetState state, String message, Instant updatedAt) {}

    /** A deployment with its per-device progress. */
    public record Deployment(
            String id,
            String modelName,
            int modelVersion,
            String variantId,
            String artifactSha256,
            long sizeBytes,
            String format,
            String snapshotId,
            DeploymentStatus status,
            Instant createdAt,
            Instant finishedAt,
            String causationEventId,
            String correlationId,
            String deployedEventId,
            int devicesTargeted,
            int devicesActive,
            int devicesFailed,
            List<Target> targets) {
        static Deployment of(DeploymentEntity d, List<DeploymentTargetEntity> targets) {
            return new Deployment(
                    d.id,
                    d.modelName,
                    d.modelVersion,
                    d.variantId,
                    d.artifactSha256,
                    d.sizeBytes,
                    d.format,
                    d.snapshotId,
                    d.status,
                    d.createdAt,
                    d.finishedAt,
                    d.causeEventId,
                    d.correlationId,
                    d.deployedEventId,
                    targets.size(),
                    (int) targets.stream()
                            .filter(t -> t.state == TargetState.ACTIVE)
                            .count(),
                    (int) targets.stream()
                            .filter(t -> t.state == TargetState.FAILED)
                            .count(),
                    targets.stream()
                            .map(t -> new Target(t.deviceId, t.state, t.message, t.updatedAt))
                            .toList());
        }
    }
}
