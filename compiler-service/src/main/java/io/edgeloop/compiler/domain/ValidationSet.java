package io.edgeloop.compiler.domain;

/**
 * Labelled samples the float model and its variants are evaluated on.
 *
 * @param features one row per sample, all of the same length
 * @param labels class index per sample
 */
public record ValidationSet(float[][] features, int[] labels) {
    public ValidationSet {
        if (features.length != labels.length) {
            throw new IllegalArgumentException(
                    features.length + " feature rows but " + labels.length + " labels in the validation set");
        }
        for (int i = 1; i < features.length; i++) {
            if (features[i].length != features[0].length) {
                throw new IllegalArgumentException("validation sample " + i + " has " + features[i].length
                        + " features, sample 0 has " + features[0].length);
            }
        }
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }

    /** Features per sample (0 when empty). */
    public int featureCount() {
        return features.length == 0 ? 0 : features[0].length;
    }
}
