package io.edgeloop.deployment.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentTargetEntity;
import io.edgeloop.deployment.persistence.DeploymentVariantEntity;
import io.edgeloop.deployment.persistence.DeviceModelEntity;
import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.model.v1.ModelSignature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps deployments, per-device targets and twin slots to the gRPC desired-state message (one per device and model). */
public final class Assignments {
    private Assignments() {}

    /**
     * The assignment of {@code d} for the device of {@code target}: the variant chosen for that device (the
     * deployment's recommended variant when {@code target} is null or predates per-device variants), its registry
     * signature, ModelSignature and RAM estimate, the model's class labels, the rollout id and {@code revision}.
     */
    public static Assignment of(
            DeploymentEntity d, DeploymentTargetEntity target, long revision, VariantFacts variants) {
        boolean own = target != null && target.variantId != null;
        String variantId = own ? target.variantId : d.variantId;
        Assignment.Builder b = Assignment.newBuilder()
                .setDeploymentId(d.id)
                .setRolloutId(d.id)
                .setModelName(d.modelName)
                .setModelVersion(d.modelVersion)
                .setVariantId(variantId)
                .setArtifactSha256(own ? target.artifactSha256 : d.artifactSha256)
                .setSizeBytes(own ? target.sizeBytes : d.sizeBytes)
                .setFormat(own ? target.format : d.format)
                .setTraceparent(d.traceparent == null ? "" : d.traceparent)
                .addAllClassLabels(d.classLabelList())
                .setRevision(revision);
        if (own) {
            b.setTarget(nz(target.variantTarget))
                    .setSignature(nz(target.signature))
                    .setSigningKeyId(nz(target.signingKeyId));
        }
        variants.of(d.id, variantId).ifPresent(v -> {
            b.setRamBytes(v.ramBytes());
            if (v.spec() != null) {
                b.setSignatureSpec(v.spec());
            }
        });
        return b.build();
    }

    /** {@link #of(DeploymentEntity, DeploymentTargetEntity, long, VariantFacts)} for one assignment. */
    public static Assignment of(DeploymentEntity d, DeploymentTargetEntity target, long revision) {
        return of(d, target, revision, new VariantFacts());
    }

    /**
     * What assignments carry of deployment variants (RAM estimate, ModelSignature), each variant read and parsed once:
     * assigning a wave of thousands of devices reads each variant once instead of once per device (each read would
     * also flush every pending change of the transaction first, which made large waves quadratic). Lives for one
     * transaction.
     */
    public static final class VariantFacts {
        private final Map<String, Optional<Fact>> read = new HashMap<>();

        /**
         * A variant's facts.
         *
         * @param ramBytes RAM estimate, 0 when unknown
         * @param spec its ModelSignature, null when none was recorded
         */
        public record Fact(long ramBytes, ModelSignature spec) {}

        /** The facts of {@code variantId} of deployment {@code deploymentId}, empty when it has no such variant. */
        public Optional<Fact> of(String deploymentId, String variantId) {
            return read.computeIfAbsent(deploymentId + "/" + variantId, k -> {
                DeploymentVariantEntity v = DeploymentVariantEntity.<DeploymentVariantEntity>find(
                                "deploymentId = ?1 and variantId = ?2", deploymentId, variantId)
                        .firstResult();
                return v == null
                        ? Optional.empty()
                        : Optional.of(new Fact(Math.max(0, v.ramBytes), signatureSpec(v.signatureSpec)));
            });
        }
    }

    /**
     * The "run no version of {@code modelName}" assignment: {@code deploymentId} and {@code rolloutId} name the
     * rolled-back deployment {@code cause}, with its traceparent, and {@code reason} says why.
     */
    public static Assignment unassigned(
            String modelName, String causeId, DeploymentEntity cause, String reason, long revision) {
        return Assignment.newBuilder()
                .setUnassigned(true)
                .setModelName(nz(modelName))
                .setDeploymentId(causeId)
                .setRolloutId(causeId)
                .setReason(nz(reason))
                .setTraceparent(cause == null || cause.traceparent == null ? "" : cause.traceparent)
                .setRevision(revision)
                .build();
    }

    /** The assignment of one twin slot, or null when the slot has no desired state. */
    public static AssignmentPush pushOf(DeviceModelEntity slot) {
        if (slot.isUnassigned()) {
            DeploymentEntity cause = DeploymentEntity.findById(slot.unassignedByDeploymentId);
            return new AssignmentPush(
                    slot.deviceId,
                    unassigned(
                            slot.modelName, slot.unassignedByDeploymentId, cause, slot.unassignedReason, slot.revision),
                    slot.revision);
        }
        if (slot.desiredDeploymentId == null) {
            return null;
        }
        DeploymentEntity d = DeploymentEntity.findById(slot.desiredDeploymentId);
        return d == null
                ? null
                : new AssignmentPush(slot.deviceId, of(d, targetOf(d.id, slot.deviceId), slot.revision), slot.revision);
    }

    /** Every current desired assignment of a device (one per model with a desired state), by model name. */
    public static List<AssignmentPush> pushesOf(String deviceId) {
        List<AssignmentPush> out = new ArrayList<>();
        for (DeviceModelEntity slot : Slots.of(deviceId)) {
            AssignmentPush p = pushOf(slot);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** The target row of a device in a deployment, or null. */
    public static DeploymentTargetEntity targetOf(String deploymentId, String deviceId) {
        return DeploymentTargetEntity.<DeploymentTargetEntity>find(
                        "deploymentId = ?1 and deviceId = ?2", deploymentId, deviceId)
                .firstResult();
    }

    static ModelSignature signatureSpec(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            return ModelSignature.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
