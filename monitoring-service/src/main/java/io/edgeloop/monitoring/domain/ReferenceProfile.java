package io.edgeloop.monitoring.domain;

import java.util.List;
import java.util.Map;

/**
 * What the training inputs of a snapshot looked like: per feature summary statistics, a bounded sorted sample (for
 * the two-sample KS test) and decile bins (for PSI). Immutable by convention: the arrays are never modified after
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
     */
    public record FeatureProfile(
            int index,
            double mean,
            double std,
            double min,
            double max,
            double[] sortedSample,
            double[] binEdges,
            double[] binProportions) {}
}
