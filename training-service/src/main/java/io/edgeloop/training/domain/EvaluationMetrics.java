package io.edgeloop.training.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Classification quality on one split.
 *
 * @param accuracy fraction of correctly classified samples
 * @param macroF1 unweighted mean of the per-class F1 scores (a class never predicted nor present scores 0)
 * @param loss mean cross-entropy of the predicted probabilities
 * @param sampleCount samples evaluated
 * @param perClass precision, recall, F1 and support per class, in class-index order
 * @param confusion counts [true class][predicted class]
 */
public record EvaluationMetrics(
        double accuracy, double macroF1, double loss, long sampleCount, List<ClassStats> perClass, long[][] confusion) {

    /** Smallest probability used in the log of the cross-entropy, so a confident miss gives a finite loss. */
    private static final double EPS = 1e-12;

    public EvaluationMetrics {
        perClass = List.copyOf(perClass);
    }

    /**
     * Quality of one class.
     *
     * @param classIndex index in the class labels
     * @param precision true positives / predicted as the class (0 when never predicted)
     * @param recall true positives / samples of the class (0 when there are none)
     * @param f1 harmonic mean of precision and recall (0 when both are 0)
     * @param support samples of the class
     */
    public record ClassStats(int classIndex, double precision, double recall, double f1, long support) {}

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
        long[][] confusion = new long[classCount][classCount];
        long correct = 0;
        double lossSum = 0;
        for (int i = 0; i < labels.length; i++) {
            float[] p = probabilities[i];
            int best = argMax(p);
            int label = labels[i];
            confusion[label][best]++;
            if (best == label) {
                correct++;
            }
            lossSum -= Math.log(Math.max(p[label], EPS));
        }
        List<ClassStats> perClass = new ArrayList<>(classCount);
        double f1Sum = 0;
        for (int c = 0; c < classCount; c++) {
            long tp = confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int k = 0; k < classCount; k++) {
                predicted += confusion[k][c];
                actual += confusion[c][k];
            }
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = actual == 0 ? 0 : (double) tp / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1Sum += f1;
            perClass.add(new ClassStats(c, precision, recall, f1, actual));
        }
        return new EvaluationMetrics(
                (double) correct / labels.length,
                f1Sum / classCount,
                lossSum / labels.length,
                labels.length,
                perClass,
                confusion);
    }

    /** The confusion matrix row-major (row = true class, column = predicted class). */
    public long[] confusionRowMajor() {
        int c = confusion.length;
        long[] out = new long[c * c];
        for (int i = 0; i < c; i++) {
            System.arraycopy(confusion[i], 0, out, i * c, c);
        }
        return out;
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
