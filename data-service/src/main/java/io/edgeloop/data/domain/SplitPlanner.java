package io.edgeloop.data.domain;

/**
 * Stratified split assignment at ingest. Each class is split on its own: a new sample of class {@code c} goes to the
 * split furthest below its quota, i.e. the one with the largest {@code target_s * (n_c + 1) - count_{c,s}} (ties in
 * the order train, validation, test), so at every moment each class's split counts are within one sample of its
 * percentages. The counts start from what the data set already stores; splits are stored with the samples and never
 * change. A batch is assigned in the order of {@link SampleKeys#contentKey} (features and label, not the data set's
 * name): the same samples ingested in the same batches get the same splits under any data set name and in any order
 * within a batch.
 */
public final class SplitPlanner {
    private static final Split[] ORDER = {Split.TRAIN, Split.VALIDATION, Split.TEST};

    private final double[] targets;
    private final long[][] counts;

    /**
     * @param trainPercent share of train, 0-100
     * @param validationPercent share of validation (test is the rest)
     * @param counts samples stored so far per class index and split ({@code [class][0 train, 1 validation, 2 test]});
     *     copied
     */
    public SplitPlanner(int trainPercent, int validationPercent, long[][] counts) {
        if (trainPercent < 0 || validationPercent < 0 || trainPercent + validationPercent > 100) {
            throw new IllegalArgumentException("split percentages must be >= 0 and sum to <= 100");
        }
        this.targets = new double[] {
            trainPercent / 100.0, validationPercent / 100.0, (100 - trainPercent - validationPercent) / 100.0
        };
        this.counts = new long[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            this.counts[c] = counts[c].clone();
        }
    }

    /** The split of the next sample of class {@code labelIndex}; counts it. */
    public Split assign(int labelIndex) {
        long[] n = counts[labelIndex];
        long total = n[0] + n[1] + n[2] + 1;
        int best = 0;
        double bestDeficit = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < ORDER.length; s++) {
            if (targets[s] == 0) {
                continue;
            }
            double deficit = targets[s] * total - n[s];
            if (deficit > bestDeficit + 1e-9) {
                bestDeficit = deficit;
                best = s;
            }
        }
        n[best]++;
        return ORDER[best];
    }

    /** Samples counted per split of class {@code labelIndex} ({@code [train, validation, test]}). */
    public long[] counts(int labelIndex) {
        return counts[labelIndex].clone();
    }
}
