package io.edgeloop.monitoring.domain;

/**
 * How drift is decided ({@code edgeloop.monitoring.*} and {@code edgeloop.monitoring.drift.*}).
 *
 * <p>{@link Method#KS_MAX}: the model drifts when the largest per-feature two-sample KS statistic exceeds
 * {@code threshold} with a p-value below {@code alpha} (EdgeLoop's original rule). Categorical features are judged
 * as under {@link Method#FEATURE_SHARE} (p-values not adjusted) and reported, but do not decide.
 *
 * <p>{@link Method#FEATURE_SHARE}: Evidently's defaults, the configured default. Each feature gets one test, chosen by
 * the rows compared: up to {@code ksMaxRows} rows the two-sample KS test (chi-square for a categorical feature),
 * drifted when its p-value, adjusted across the features with Holm's step-down method, is below {@code
 * featurePValue}; above, the Wasserstein distance normalized by the reference's standard deviation (the
 * Jensen-Shannon distance of the category shares for a categorical feature), drifted above {@code
 * distanceThreshold}. The model drifts when the share of drifted features reaches {@code driftShare}.
 *
 * @param method the decision rule
 * @param threshold KS statistic threshold of {@link Method#KS_MAX} (0..1]
 * @param alpha p-value bound of {@link Method#KS_MAX} (0..1)
 * @param minSamples observed rows needed before anything is computed
 * @param ksMaxRows {@link Method#FEATURE_SHARE}: KS up to this many rows, the normalized Wasserstein distance above
 * @param featurePValue {@link Method#FEATURE_SHARE}: a feature drifts when its Holm-adjusted KS p-value is below this
 * @param distanceThreshold {@link Method#FEATURE_SHARE}: a feature drifts when its normalized Wasserstein distance is
 *     above this
 * @param driftShare {@link Method#FEATURE_SHARE}: the model drifts when at least this share of features drifted
 */
public record DriftPolicy(
        Method method,
        double threshold,
        double alpha,
        int minSamples,
        int ksMaxRows,
        double featurePValue,
        double distanceThreshold,
        double driftShare) {

    /** Decision rules. */
    public enum Method {
        /** Largest KS statistic above a threshold, significant. */
        KS_MAX("ks-max", "ks-2sample-max+psi-deciles"),
        /** Per-feature tests (KS / normalized Wasserstein), share of drifted features. */
        FEATURE_SHARE("feature-share", "feature-tests+drift-share");

        private final String configName;
        private final String eventName;

        Method(String configName, String eventName) {
            this.configName = configName;
            this.eventName = eventName;
        }

        /** The name in configuration ({@code ks-max}, {@code feature-share}). */
        public String configName() {
            return configName;
        }

        /** The name carried in DriftDetected.method and drift reports. */
        public String eventName() {
            return eventName;
        }

        /**
         * The method named {@code name} in configuration.
         *
         * @throws IllegalArgumentException for any other name
         */
        public static Method of(String name) {
            for (Method m : values()) {
                if (m.configName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("drift.method must be ks-max or feature-share, was '" + name + "'");
        }
    }

    /** Evidently's defaults for {@link Method#FEATURE_SHARE}: KS up to 1,000 rows, p 0.05, distance 0.1, share 0.5. */
    public static final int DEFAULT_KS_MAX_ROWS = 1000;

    /** The {@link Method#KS_MAX} rule with the other settings at their defaults. */
    public static DriftPolicy ksMax(double threshold, double alpha, int minSamples) {
        return new DriftPolicy(Method.KS_MAX, threshold, alpha, minSamples, DEFAULT_KS_MAX_ROWS, 0.05, 0.1, 0.5);
    }

    /** The threshold the model-level score is compared with: the KS threshold, or the drift share. */
    public double scoreThreshold() {
        return method == Method.KS_MAX ? threshold : driftShare;
    }
}
