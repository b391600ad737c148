package io.edgeloop.agent.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import java.time.Instant;
import java.util.List;

/**
 * Identity of a model on this device, persisted as the record of the active model so that a restart loads it before
 * any network.
 *
 * @param deploymentId deployment that assigned it
 * @param classLabels labels from the assignment, used when the model's metadata has none
 * @param featureCount feature count from the assignment, used when the model's input shape is dynamic
 * @param activatedAt when it was activated (null before activation)
 * @param signature the registry's Ed25519 signature (base64) of the artifact digest that was verified, null if none
 * @param signingKeyId the key that made {@code signature}
 */
public record ModelDescriptor(
        String deploymentId,
        String modelName,
        int modelVersion,
        String variantId,
        String artifactSha256,
        String format,
        List<String> classLabels,
        int featureCount,
        Instant activatedAt,
        String signature,
        String signingKeyId) {
    public ModelDescriptor {
        classLabels = classLabels == null ? List.of() : List.copyOf(classLabels);
        signature = signature == null || signature.isBlank() ? null : signature;
        signingKeyId = signingKeyId == null || signingKeyId.isBlank() ? null : signingKeyId;
    }

    /** An unsigned descriptor. */
    public ModelDescriptor(
            String deploymentId,
            String modelName,
            int modelVersion,
            String variantId,
            String artifactSha256,
            String format,
            List<String> classLabels,
            int featureCount,
            Instant activatedAt) {
        this(
                deploymentId,
                modelName,
                modelVersion,
                variantId,
                artifactSha256,
                format,
                classLabels,
                featureCount,
                activatedAt,
                null,
                null);
    }

    /** The model an assignment asks for. */
    public static ModelDescriptor of(Assignment a) {
        return new ModelDescriptor(
                a.getDeploymentId(),
                a.getModelName(),
                a.getModelVersion(),
                a.getVariantId(),
                a.getArtifactSha256(),
                a.getFormat().isBlank() ? "onnx" : a.getFormat(),
                a.getClassLabelsList(),
                a.getFeatureCount(),
                null,
                a.getSignature(),
                a.getSigningKeyId());
    }

    /** This descriptor, activated at {@code when}. */
    public ModelDescriptor activatedAt(Instant when) {
        return with(when, signature, signingKeyId);
    }

    /** This descriptor with the signature that verified its artifact. */
    public ModelDescriptor signedBy(String signature, String signingKeyId) {
        return with(activatedAt, signature, signingKeyId);
    }

    /** This model with another activation time and signature. */
    private ModelDescriptor with(Instant activatedAt, String signature, String signingKeyId) {
        return new ModelDescriptor(
                deploymentId,
                modelName,
                modelVersion,
                variantId,
                artifactSha256,
                format,
                classLabels,
                featureCount,
                activatedAt,
                signature,
                signingKeyId);
    }
}
