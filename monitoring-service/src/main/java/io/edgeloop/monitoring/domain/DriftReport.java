package io.edgeloop.monitoring.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Outcome of comparing a model's observed inputs with its reference profile, with what decided it.
 *
 * @param sampleCount observed rows compared
 * @param driftScore the model-level score: the largest per-feature KS statistic ({@code ks-max}) or the share of
 *     drifted features ({@code feature-share}); -1 when not computed
 * @param driftDetected whether the model drifts under {@code method}
 * @param features per-feature results (empty when not computed)
 * @param method the rule that decided ({@link DriftPolicy.Method#eventName()})
 * @param threshold what {@code driftScore} is compared with (the KS threshold or the drift share)
 * @param driftShare share of features that drifted (0 when not computed)
 * @param reason why nothing was computed (no reference, too few rows, inputs of another width), null when computed
 * @param prediction drift of the predicted classes against the training labels, null when not evaluated
 */
public record DriftReport(
        int sampleCount,
        double driftScore,
        boolean driftDetected,
        List<FeatureResult> features,
        String method,
        double threshold,
        double driftShare,
        String reason,
        PredictionDrift prediction) {
    /** Score reported when drift could not be computed. */
    public static final double NOT_COMPUTED = -1.0;

    public DriftReport {
        features = List.copyOf(features);
    }

    /** A report saying drift was not computed for {@code sampleCount} rows, and why. */
    public static DriftReport notComputed(int sampleCount, String reason) {
        return new DriftReport(sampleCount, NOT_COMPUTED, false, List.of(), null, Double.NaN, 0, reason, null);
    }

    /**
     * This report with {@code p} attached. Under {@link DriftPolicy.Method#FEATURE_SHARE} the predictions count as
     * one more column of the drift share (as Evidently counts the prediction column); under {@code ks-max} they are
     * reported only. A report that was not computed is returned as is.
     */
    public DriftReport withPrediction(PredictionDrift p, DriftPolicy policy) {
        if (!computed() || p == null) {
            return this;
        }
        if (policy.method() != DriftPolicy.Method.FEATURE_SHARE) {
            return new DriftReport(
                    sampleCount, driftScore, driftDetected, features, method, threshold, driftShare, reason, p);
        }
        long drifted = features.stream().filter(FeatureResult::drifted).count() + (p.drifted() ? 1 : 0);
        double share = (double) drifted / (features.size() + 1);
        return new DriftReport(
                sampleCount, share, share >= policy.driftShare(), features, method, threshold, share, reason, p);
    }

    /** Whether the statistics were computed. */
    public boolean computed() {
        return driftScore >= 0;
    }

    /** This report with {@code reason} as the reason it was not computed (a computed report is returned as is). */
    public DriftReport withReason(String why) {
        return computed() ? this : notComputed(sampleCount, why);
    }

    /**
     * Drift of one feature.
     *
     * <p>A categorical feature has no KS statistic nor Wasserstein distance (NaN, {@code null} in JSON); its {@code
     * pValue} is the chi-square test's, its PSI and Jensen-Shannon distance are over its categories.
     *
     * @param index feature index
     * @param ksStatistic two-sample Kolmogorov-Smirnov statistic D (0..1)
     * @param pValue two-sided p-value of D (not adjusted); the chi-square p-value for a categorical feature
     * @param psi population stability index over the reference's decile bins (categories)
     * @param referenceMean mean of the feature in the training data
     * @param observedMean mean of the observed rows
     * @param wasserstein first Wasserstein distance divided by the reference's standard deviation
     * @param jensenShannon Jensen-Shannon distance over the reference's decile bins (categories)
     * @param test the test that judged this feature: {@code ks} or {@code wasserstein}; {@code chi-square} or {@code
     *     jensen-shannon} for a categorical feature
     * @param statistic that test's figure: the (Holm-adjusted, under feature-share) p-value, or the distance
     * @param featureThreshold what {@code statistic} is compared with
     * @param drifted whether this feature drifted under the policy
     * @param kind {@code numerical} or {@code categorical}
     * @param categories a categorical feature's counts and shares, null for a numerical one
     */
    public record FeatureResult(
            int index,
            @JsonSerialize(using = FiniteOrNull.class) double ksStatistic,
            @JsonSerialize(using = FiniteOrNull.class) double pValue,
            @JsonSerialize(using = FiniteOrNull.class) double psi,
            @JsonSerialize(using = FiniteOrNull.class) double referenceMean,
            @JsonSerialize(using = FiniteOrNull.class) double observedMean,
            @JsonSerialize(using = FiniteOrNull.class) double wasserstein,
            @JsonSerialize(using = FiniteOrNull.class) double jensenShannon,
            String test,
            @JsonSerialize(using = FiniteOrNull.class) double statistic,
            @JsonProperty("threshold") double featureThreshold,
            boolean drifted,
            String kind,
            Categories categories) {

        /** A numerical feature's result. */
        public FeatureResult(
                int index,
                double ksStatistic,
                double pValue,
                double psi,
                double referenceMean,
                double observedMean,
                double wasserstein,
                double jensenShannon,
                String test,
                double statistic,
                double featureThreshold,
                boolean drifted) {
            this(
                    index,
                    ksStatistic,
                    pValue,
                    psi,
                    referenceMean,
                    observedMean,
                    wasserstein,
                    jensenShannon,
                    test,
                    statistic,
                    featureThreshold,
                    drifted,
                    NUMERICAL,
                    null);
        }

        /** Whether the feature is categorical. */
        public boolean categorical() {
            return categories != null;
        }
    }

    /** {@link FeatureResult#kind()} of a feature measured on a scale. */
    public static final String NUMERICAL = "numerical";

    /** {@link FeatureResult#kind()} of a feature whose values are category codes. */
    public static final String CATEGORICAL = "categorical";

    /**
     * A categorical feature's sample sizes and shares per category code ({@code -1}: observed values that are no
     * category code).
     *
     * @param referenceCount reference rows (TRAIN rows, or the live baseline's)
     * @param observedCount observed values compared
     * @param referenceShares share of each category in the reference
     * @param observedShares share of each category observed
     */
    public record Categories(
            long referenceCount,
            long observedCount,
            Map<Integer, Double> referenceShares,
            Map<Integer, Double> observedShares) {}

    /** Writes a non-finite double as JSON {@code null} (a categorical feature has no KS statistic). */
    public static final class FiniteOrNull extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        public FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value == null || !Double.isFinite(value)) {
                gen.writeNull();
            } else {
                gen.writeNumber(value);
            }
        }
    }
}
