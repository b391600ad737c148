package io.edgeloop.compiler.domain;

import java.util.Locale;

/**
 * Compares a variant's evaluation with the float model's on the same validation samples and applies the accuracy
 * budget: a variant whose accuracy is more than {@code budgetPoints} percentage points below the float model's, or
 * whose outputs are not finite or not shaped like the float model's, is rejected.
 */
public final class VariantValidator {
    /** Slack for floating-point noise when comparing accuracies. */
    private static final double EPSILON = 1e-9;

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
