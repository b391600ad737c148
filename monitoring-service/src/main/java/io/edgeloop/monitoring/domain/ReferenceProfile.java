package io.edgeloop.monitoring.domain;

import java.util.List;
import java.util.Map;

/**
 * What the training inputs of a snapshot looked like: per feature summary statistics, a bounded sorted sample (for
 * the two-sample KS test) and decile bins (for PSI); for a categorical feature also its rows per category (for the
 * chi-square test and the Jensen-Shannon distance). Immutable by convention: the arrays are never modified after
 * {@link ReferenceProfileBuilder#build} creates them.
 *
 * @param snapshotId the snapshot, e.g. {@code vibration@v3}
 * @param datasetName dataset (= model) name
 * @param datasetVersion snapshot version
 * @param trainCount TRAIN rows the statistics were computed over
 * @param features one profile per input feature, in index order
 * @param labelCounts TRAIN rows per class label (the reference of prediction drift; empty when unknown)
 */
public record ReferenceProfile(
        String snapshotId,
        String datasetName,
        int datasetVersion,
        long trainCount,
        List<FeatureProfile> features,
        Map<String, Long> labelCounts) {

    public ReferenceProfile {
        features = List.copyOf(features);
        labelCounts = Map.copyOf(labelCounts);
    }

    /** A profile without label counts. */
    public ReferenceProfile(
            String snapshotId, String datasetName, int datasetVersion, long trainCount, List<FeatureProfile> features) {
        this(snapshotId, datasetName, datasetVersion, trainCount, features, Map.of());
    }

    /** Number of input features. */
    public int featureCount() {
        return features.size();
    }

    /** Whether each feature is categorical, in index order. */
    public boolean[] categorical() {
        boolean[] categorical = new boolean[features.size()];
        for (FeatureProfile f : features) {
            categorical[f.index()] = f.categorical();
        }
        return categorical;
    }

    /** Rows in the kept sample (the same for every feature). */
    public int sampleSize() {
        return features.isEmpty() ? 0 : features.get(0).sortedSample().length;
    }

    /**
     * Reference distribution of one feature.
     *
     * @param index feature index
     * @param mean mean over all TRAIN rows
     * @param std sample standard deviation over all TRAIN rows (0 for a single row)
     * @param min smallest value
     * @param max largest value
     * @param sortedSample ascending values of the kept sample
     * @param binEdges ascending, distinct interior decile edges of the sample; bin {@code i} holds values {@code x}
     *     with {@code binEdges[i-1] < x <= binEdges[i]}
     * @param binProportions share of the sample in each of the {@code binEdges.length + 1} bins
     * @param categoryCounts for a categorical feature, TRAIN rows per category code over all rows (values that are no
     *     code under {@link CategoryStatistics#NOT_A_CODE}); null for a numerical feature
     */
    public record FeatureProfile(
            int index,
            double mean,
            double std,
            double min,
            double max,
            double[] sortedSample,
            double[] binEdges,
            double[] binProportions,
            Map<Integer, Long> categoryCounts) {
        public FeatureProfile {
            categoryCounts = categoryCounts == null
                    ? null
                    : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(categoryCounts));
        }

        /** A numerical feature. */
        public FeatureProfile(
                int index,
                double mean,
                double std,
                double min,
                double max,
                double[] sortedSample,
                double[] binEdges,
                double[] binProportions) {
            this(index, mean, std, min, max, sortedSample, binEdges, binProportions, null);
        }

        /** Whether the feature's values are category codes. */
        public boolean categorical() {
            return categoryCounts != null;
        }
    }
}
