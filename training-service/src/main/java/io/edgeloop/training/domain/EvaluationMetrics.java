package io.edgeloop.training.domain;

/**
 * Classification quality on one split.
 *
 * @param accuracy fraction of correctly classified samples
 * @param macroF1 unweighted mean of the per-class F1 scores (a class never predicted nor present scores 0)
 * @param loss mean cross-entropy of the predicted probabilities
 * @param sampleCount samples evaluated
 */
public record EvaluationMetrics(double accuracy, double macroF1, double loss, long sampleCount) {

    /** Smallest probability used in the log of the cross-entropy, so a confident miss gives a finite loss. */
    private static final double EPS = 1e-12;

    /**
     * Computes the metrics from predicted class probabilities.
     *
     * @param probabilities one row of {@code classCount} probabilities per sample
     * @param labels true class index per sample
     * @param classCount number of classes
     */
    public static EvaluationMetrics of(float[][] probabilities, int[] labels, int classCount) {
        if (probabilities.length != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("need as many probability rows as labels, and at least one");
        }
        long[] truePositive = new long[classCount];
        long[] predicted = new long[classCount];
        long[] actual = new long[classCount];
        long correct = 0;
        double lossSum = 0;
        for (int i = 0; i < labels.length; i++) {
            float[] p = probabilities[i];
            int best = argMax(p);
            int label = labels[i];
            predicted[best]++;
            actual[label]++;
            if (best == label) {
                correct++;
                truePositive[label]++;
            }
            lossSum -= Math.log(Math.max(p[label], EPS));
        }
        double f1Sum = 0;
        for (int c = 0; c < classCount; c++) {
            double precision = predicted[c] == 0 ? 0 : (double) truePositive[c] / predicted[c];
            double recall = actual[c] == 0 ? 0 : (double) truePositive[c] / actual[c];
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return new EvaluationMetrics(
                (double) correct / labels.length, f1Sum / classCount, lossSum / labels.length, labels.length);
    }

    /** Index of the largest value (the first one on ties). */
    public static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
