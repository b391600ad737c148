package io.edgeloop.compiler.domain;

import java.util.Locale;

/**
 * Compares a variant's evaluation with the float model's on the same validation samples and applies the accuracy
 * budget: a variant whose accuracy is more than {@code budgetPoints} percentage points below the float model's, or
 * whose outputs are not finite or not shaped like the float model's, is rejected. For a model whose outputs are not
 * class scores (accuracy does not apply) a variant is rejected when its outputs differ from the float model's by more
 * than {@link #TENSOR_TOLERANCE} of their largest magnitude.
 */
public final class VariantValidator {
    /** Slack for floating-point noise when comparing accuracies. */
    private static final double EPSILON = 1e-9;
    /** Largest |difference| allowed for outputs that are not class scores, relative to their largest magnitude. */
    static final double TENSOR_TOLERANCE = 0.05;

    private final double budgetPoints;

    /** @param budgetPoints accuracy points a variant may lose (negative: even an identical variant is rejected) */
    public VariantValidator(double budgetPoints) {
        if (Double.isNaN(budgetPoints) || Double.isInfinite(budgetPoints)) {
            throw new IllegalArgumentException("accuracy budget must be a finite number of points");
        }
        this.budgetPoints = budgetPoints;
    }

    public double budgetPoints() {
        return budgetPoints;
    }

    /** Figures of {@code variant} against {@code reference} (the float model) and the verdict. */
    public VariantVerdict judge(ModelEvaluation reference, ModelEvaluation variant) {
        int n = reference.sampleCount();
        if (variant.sampleCount() != n) {
            throw new IllegalArgumentException(
                    "evaluations cover different samples: " + n + " vs " + variant.sampleCount());
        }
        int width = Math.min(reference.classCount(), variant.classCount());
        double maxAbsDiff = 0;
        double magnitude = 0;
        boolean finite = true;
        int agree = 0;
        for (int i = 0; i < n; i++) {
            float[] a = reference.outputs()[i];
            float[] b = variant.outputs()[i];
            for (int c = 0; c < width; c++) {
                if (!Float.isFinite(b[c])) {
                    finite = false;
                    continue;
                }
                maxAbsDiff = Math.max(maxAbsDiff, Math.abs((double) a[c] - b[c]));
                magnitude = Math.max(magnitude, Math.abs((double) a[c]));
            }
            if (reference.predictions()[i] == variant.predictions()[i]) {
                agree++;
            }
        }
        double delta = variant.accuracy() - reference.accuracy();
        double lostPoints = -delta * 100.0;
        String reason = null;
        if (variant.classCount() != reference.classCount()) {
            reason = String.format(
                    Locale.ROOT,
                    "variant outputs %d classes, the float model %d",
                    variant.classCount(),
                    reference.classCount());
        } else if (!finite) {
            reason = "variant produced non-finite outputs";
        } else if (!reference.classification() && maxAbsDiff > TENSOR_TOLERANCE * Math.max(magnitude, 1e-6)) {
            reason = String.format(
                    Locale.ROOT,
                    "outputs differ from the float model's by up to %.4g, more than %.0f %% of their largest magnitude"
                            + " %.4g (they are not class scores: accuracy does not apply)",
                    maxAbsDiff,
                    TENSOR_TOLERANCE * 100,
                    magnitude);
        } else if (lostPoints > budgetPoints + EPSILON) {
            reason = String.format(
                    Locale.ROOT,
                    "accuracy %.4f is %.2f points below the float model's %.4f (budget %.2f points)",
                    variant.accuracy(),
                    lostPoints,
                    reference.accuracy(),
                    budgetPoints);
        }
        return new VariantVerdict(
                reason == null,
                reason,
                variant.accuracy(),
                delta,
                maxAbsDiff,
                (double) agree / n,
                variant.latencyP50Us(),
                variant.latencyP99Us(),
                variant.sizeBytes());
    }
}
