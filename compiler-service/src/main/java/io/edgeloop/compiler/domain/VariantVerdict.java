package io.edgeloop.compiler.domain;

/**
 * A variant's figures against the float model, and whether it may be shipped.
 *
 * @param accepted true when the variant stays within the accuracy budget
 * @param reason why it was rejected; null when accepted
 * @param accuracy the variant's accuracy on the validation set, in [0, 1]
 * @param accuracyDelta variant accuracy minus float accuracy (a fraction: -0.01 is one point lost)
 * @param maxAbsDiff largest absolute difference between the variant's and the float model's outputs
 * @param argmaxAgreement fraction of samples where both predict the same class
 * @param latencyP50Us median single-sample latency in microseconds
 * @param latencyP99Us 99th percentile single-sample latency in microseconds
 * @param sizeBytes artifact size
 */
public record VariantVerdict(
        boolean accepted,
        String reason,
        double accuracy,
        double accuracyDelta,
        double maxAbsDiff,
        double argmaxAgreement,
        double latencyP50Us,
        double latencyP99Us,
        long sizeBytes) {

    /** The same figures, rejected for {@code why}. */
    public VariantVerdict rejected(String why) {
        return new VariantVerdict(
                false,
                why,
                accuracy,
                accuracyDelta,
                maxAbsDiff,
                argmaxAgreement,
                latencyP50Us,
                latencyP99Us,
                sizeBytes);
    }

    /** A variant that could not be produced or loaded at all: rejected, no figures. */
    public static VariantVerdict unusable(String reason) {
        return new VariantVerdict(false, reason, 0, 0, 0, 0, 0, 0, 0);
    }
}
