package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.proto.deployment.v1.Assignment;
import java.util.Optional;

/** Maps deployments and their per-device targets to the gRPC desired-state message. */
public final class Assignments {
    private Assignments() {}

    /**
     * The assignment of {@code d} for the device of {@code target}: the variant chosen for that device (the
     * deployment's recommended variant when {@code target} is null or predates per-device variants), its registry
     * signature, the rollout id and the variant's target profile. Class labels and feature count stay empty:
     * ModelOptimized does not carry them and the agent reads them from the ONNX model's metadata.
     */
    public static Assignment of(DeploymentEntity d, DeploymentTargetEntity target) {
        boolean own = target != null && target.variantId != null;
        Assignment.Builder b = Assignment.newBuilder()
                .setDeploymentId(d.id)
                .setRolloutId(d.id)
                .setModelName(d.modelName)
                .setModelVersion(d.modelVersion)
                .setVariantId(own ? target.variantId : d.variantId)
                .setArtifactSha256(own ? target.artifactSha256 : d.artifactSha256)
                .setSizeBytes(own ? target.sizeBytes : d.sizeBytes)
                .setFormat(own ? target.format : d.format)
                .setTraceparent(d.traceparent == null ? "" : d.traceparent);
        if (own) {
            b.setTarget(nz(target.variantTarget))
                    .setSignature(nz(target.signature))
                    .setSigningKeyId(nz(target.signingKeyId));
        }
        return b.build();
    }

    /**
     * The "run nothing" assignment: no model; {@code deploymentId} and {@code rolloutId} name the rolled-back
     * deployment {@code cause}, with its traceparent, and {@code reason} says why.
     */
    public static Assignment unassigned(String causeId, DeploymentEntity cause, String reason) {
        return Assignment.newBuilder()
                .setUnassigned(true)
                .setDeploymentId(causeId)
                .setRolloutId(causeId)
                .setReason(nz(reason))
                .setTraceparent(cause == null || cause.traceparent == null ? "" : cause.traceparent)
                .build();
    }

    /** The current desired assignment of {@code device} (a model or "run nothing"), if it has one. */
    public static Optional<Assignment> desiredOf(DeviceEntity device) {
        if (device.isUnassigned()) {
            DeploymentEntity cause = DeploymentEntity.findById(device.unassignedByDeploymentId);
            return Optional.of(unassigned(device.unassignedByDeploymentId, cause, device.unassignedReason));
        }
        if (device.desiredDeploymentId == null) {
            return Optional.empty();
        }
        return DeploymentEntity.<DeploymentEntity>findByIdOptional(device.desiredDeploymentId)
                .map(d -> of(d, targetOf(d.id, device.id)));
    }

    /** The push of {@code device}'s current desired assignment, if any. */
    public static Optional<AssignmentPush> pushOf(DeviceEntity device) {
        long revision = device.desiredRevision == null ? 0 : device.desiredRevision;
        return desiredOf(device).map(a -> new AssignmentPush(device.id, a, revision));
    }

    /** The target row of a device in a deployment, or null. */
    public static DeploymentTargetEntity targetOf(String deploymentId, String deviceId) {
        return DeploymentTargetEntity.<DeploymentTargetEntity>find(
                        "deploymentId = ?1 and deviceId = ?2", deploymentId, deviceId)
                .firstResult();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
