package io.edgeloop.monitoring.domain;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Drift of the model's predicted-class distribution against the class shares of its training data, with no ground
 * truth needed. As Evidently judges a categorical column: up to {@link DriftPolicy#ksMaxRows()} predictions the
 * chi-square goodness-of-fit test (commons-math), drifted when its p-value is below {@link
 * DriftPolicy#featurePValue()}; above, the Jensen-Shannon distance, drifted above {@link
 * DriftPolicy#distanceThreshold()}. A class never seen in training gets a tiny expected share, so predicting it is
 * drift rather than an error.
 *
 * @param predictions predictions compared
 * @param test {@code chi-square} or {@code jensen-shannon}
 * @param statistic the p-value or the distance
 * @param threshold what {@code statistic} is compared with
 * @param drifted whether the predictions drifted
 * @param jensenShannon the Jensen-Shannon distance (always computed)
 * @param referenceShares training share per class
 * @param observedShares predicted share per class
 */
public record PredictionDrift(
        long predictions,
        String test,
        double statistic,
        double threshold,
        boolean drifted,
        double jensenShannon,
        Map<String, Double> referenceShares,
        Map<String, Double> observedShares) {

    /** Expected share given to a class the training data did not have. */
    static final double UNSEEN_SHARE = CategoryStatistics.UNSEEN_SHARE;

    public PredictionDrift {
        referenceShares = Map.copyOf(referenceShares);
        observedShares = Map.copyOf(observedShares);
    }

    /**
     * Compares {@code observed} predictions per class with {@code reference} training rows per class; empty when
     * either is empty, there are fewer than {@code policy.minSamples()} predictions, or only one class occurs. The
     * figures are {@link CategoryStatistics#compare}'s, as for a categorical input feature.
     */
    public static Optional<PredictionDrift> evaluate(
            Map<String, Long> reference, Map<String, Long> observed, DriftPolicy policy) {
        long refTotal = reference.values().stream().mapToLong(Long::longValue).sum();
        long total = observed.values().stream().mapToLong(Long::longValue).sum();
        TreeSet<String> classes = new TreeSet<>(reference.keySet());
        classes.addAll(observed.keySet());
        if (refTotal <= 0 || total < Math.max(policy.minSamples(), 1) || classes.size() < 2) {
            return Optional.empty();
        }
        CategoryStatistics.Comparison<String> c = CategoryStatistics.compare(reference, observed);
        boolean byChiSquare = total <= policy.ksMaxRows();
        double statistic = byChiSquare ? c.pValue() : c.jensenShannon();
        double threshold = byChiSquare ? policy.featurePValue() : policy.distanceThreshold();
        boolean drifted = byChiSquare ? statistic < threshold : statistic > threshold;
        return Optional.of(new PredictionDrift(
                total,
                byChiSquare ? "chi-square" : "jensen-shannon",
                statistic,
                threshold,
                drifted,
                c.jensenShannon(),
                c.referenceShares(),
                c.observedShares()));
    }
}
