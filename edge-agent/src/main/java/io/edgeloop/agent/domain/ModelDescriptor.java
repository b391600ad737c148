package io.edgeloop.agent.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Identity of a model on this device, persisted as the record of an active model ({@code active/<model>.json}) so that
 * a restart loads it before any network.
 *
 * @param deploymentId deployment that assigned it
 * @param classLabels labels from the assignment (the registry's), preferred over the model's metadata
 * @param featureCount feature count from the assignment, used when the feature input's sample size is dynamic
 * @param activatedAt when it was activated (null before activation)
 * @param signature the registry's Ed25519 signature (base64) of the artifact digest that was verified, null if none
 * @param signingKeyId the key that made {@code signature}
 * @param outputKind the assignment's signature_spec.output_kind ("classification", "regression", "embedding",
 *     "tensor"); blank = unknown (classification when the output fits the labels)
 * @param featureInput the input that carries the features (blank = the first input)
 * @param inputDefaults value of every element of an input a caller leaves out (absent = zeros)
 * @param ramBytes estimated RAM the model needs (the assignment's ram_bytes, else its artifact size; 0 = unknown),
 *     counted against the memory budget
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
        String signingKeyId,
        String outputKind,
        String featureInput,
        Map<String, Double> inputDefaults,
        long ramBytes) {
    public ModelDescriptor {
        classLabels = classLabels == null ? List.of() : List.copyOf(classLabels);
        signature = signature == null || signature.isBlank() ? null : signature;
        signingKeyId = signingKeyId == null || signingKeyId.isBlank() ? null : signingKeyId;
        outputKind = outputKind == null ? "" : outputKind;
        featureInput = featureInput == null ? "" : featureInput;
        inputDefaults = inputDefaults == null ? Map.of() : Map.copyOf(inputDefaults);
    }

    /** An unsigned descriptor without a signature spec. */
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
                null,
                "",
                "",
                Map.of(),
                0);
    }

    /** The model an assignment asks for. */
    public static ModelDescriptor of(Assignment a) {
        var spec = a.getSignatureSpec();
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
                a.getSigningKeyId(),
                spec.getOutputKind(),
                spec.getFeatureInput(),
                spec.getInputDefaultsMap(),
                DeviceLimits.ramEstimate(a));
    }

    /** This descriptor, activated at {@code when}. */
    public ModelDescriptor activatedAt(Instant when) {
        return copy(classLabels, when, signature, signingKeyId, outputKind, featureInput, inputDefaults);
    }

    /** This descriptor with the signature that verified its artifact. */
    public ModelDescriptor signedBy(String signature, String signingKeyId) {
        return copy(classLabels, activatedAt, signature, signingKeyId, outputKind, featureInput, inputDefaults);
    }

    /** This descriptor with other class labels and output kind (tests, callers that know better). */
    public ModelDescriptor withOutput(List<String> labels, String kind) {
        return copy(labels, activatedAt, signature, signingKeyId, kind, featureInput, inputDefaults);
    }

    /** This descriptor with another feature input and input defaults. */
    public ModelDescriptor withInputs(String featureInput, Map<String, Double> defaults) {
        return copy(classLabels, activatedAt, signature, signingKeyId, outputKind, featureInput, defaults);
    }

    /** This model with the given labels, activation, signature and signature spec; the identity stays. */
    private ModelDescriptor copy(
            List<String> labels,
            Instant activatedAt,
            String signature,
            String signingKeyId,
            String kind,
            String featureInput,
            Map<String, Double> defaults) {
        return new ModelDescriptor(
                deploymentId,
                modelName,
                modelVersion,
                variantId,
                artifactSha256,
                format,
                labels,
                featureCount,
                activatedAt,
                signature,
                signingKeyId,
                kind,
                featureInput,
                defaults,
                ramBytes);
    }
}
