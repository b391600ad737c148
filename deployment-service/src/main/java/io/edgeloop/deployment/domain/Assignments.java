package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.proto.deployment.v1.Assignment;

/** Maps deployments to the gRPC desired-state message. */
public final class Assignments {
    private Assignments() {}

    /**
     * The assignment of {@code d}. Class labels and feature count stay empty: ModelOptimized does not carry them and
     * the agent reads them from the ONNX model's metadata.
     */
    public static Assignment of(DeploymentEntity d) {
        return Assignment.newBuilder()
                .setDeploymentId(d.id)
                .setModelName(d.modelName)
                .setModelVersion(d.modelVersion)
                .setVariantId(d.variantId)
                .setArtifactSha256(d.artifactSha256)
                .setSizeBytes(d.sizeBytes)
                .setFormat(d.format)
                .setTraceparent(d.traceparent == null ? "" : d.traceparent)
                .build();
    }
}
