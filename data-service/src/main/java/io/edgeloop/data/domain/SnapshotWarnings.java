package io.edgeloop.data.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Warnings about a snapshot's test split: too few test samples overall, or for a class, make test metrics noisy
 * (one sample of a five-sample class moves its recall by 20 points). Warnings never block a snapshot.
 */
public final class SnapshotWarnings {
    private SnapshotWarnings() {}

    /**
     * @param labels class labels by index
     * @param testPerClass test samples per class index
     * @param minTest fewest test samples in all not warned about
     * @param minTestPerClass fewest test samples of a class (that has samples) not warned about
     */
    public static List<String> of(List<String> labels, long[] testPerClass, int minTest, int minTestPerClass) {
        List<String> out = new ArrayList<>();
        long total = 0;
        for (long n : testPerClass) {
            total += n;
        }
        if (total < minTest) {
            out.add("the test split has " + total + " samples (fewer than " + minTest + "): test metrics are noisy");
        }
        for (int c = 0; c < labels.size() && c < testPerClass.length; c++) {
            if (testPerClass[c] < minTestPerClass) {
                out.add("class '" + labels.get(c) + "' has " + testPerClass[c] + " test samples (fewer than "
                        + minTestPerClass + "): its recall and F1 are not measurable");
            }
        }
        return out;
    }
}
