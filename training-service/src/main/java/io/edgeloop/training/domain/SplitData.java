package io.edgeloop.training.domain;

/**
 * The samples of one split: a feature matrix and the class index of each row.
 *
 * @param features one row of {@code featureCount} values per sample
 * @param labels class index per sample
 */
public record SplitData(float[][] features, int[] labels) {
    public SplitData {
        if (features.length != labels.length) {
            throw new IllegalArgumentException(
                    "features and labels differ in length: " + features.length + " vs " + labels.length);
        }
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }
}
