package io.edgeloop.monitoring.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live performance of a classifier on labelled inferences: accuracy, macro F1 (the unweighted mean of the per-class
 * F1 over every class that occurs as a true or a predicted class, as scikit-learn computes it over the labels
 * present), per-class recall (classes with at least one true sample) and the expected calibration error over
 * {@value #ECE_BINS} equal-width confidence bins ({@code (0, 0.1], (0.1, 0.2], ... (0.9, 1]}, a confidence of 0 in the
 * first): {@code sum_b n_b / n * |accuracy_b - mean confidence_b|}.
 *
 * @param labelledCount labelled inferences
 * @param correctCount those whose predicted class was the true one
 * @param accuracy {@code correct / labelled}, NaN without labels
 * @param macroF1 NaN without labels
 * @param perClassRecall label (or {@code "#i"} beyond the known labels) -> recall, in class order
 * @param expectedCalibrationError NaN without labels
 */
public record PerformanceMetrics(
        long labelledCount,
        long correctCount,
        double accuracy,
        double macroF1,
        Map<String, Double> perClassRecall,
        double expectedCalibrationError) {
    /** Confidence bins of the expected calibration error. */
    public static final int ECE_BINS = 10;

    /** One labelled prediction. */
    public record Outcome(int predictedClass, int trueClass, double confidence) {}

    /** The metrics of {@code outcomes}; {@code labels} name the classes by index. */
    public static PerformanceMetrics of(List<Outcome> outcomes, List<String> labels) {
        int n = outcomes.size();
        if (n == 0) {
            return new PerformanceMetrics(0, 0, Double.NaN, Double.NaN, Map.of(), Double.NaN);
        }
        int classes = labels.size();
        for (Outcome o : outcomes) {
            classes = Math.max(classes, Math.max(o.predictedClass(), o.trueClass()) + 1);
        }
        long[] tp = new long[classes];
        long[] support = new long[classes];
        long[] predicted = new long[classes];
        long[] binCount = new long[ECE_BINS];
        long[] binCorrect = new long[ECE_BINS];
        double[] binConfidence = new double[ECE_BINS];
        long correct = 0;
        for (Outcome o : outcomes) {
            boolean hit = o.predictedClass() == o.trueClass();
            support[o.trueClass()]++;
            predicted[o.predictedClass()]++;
            int bin = bin(o.confidence());
            binCount[bin]++;
            binConfidence[bin] += o.confidence();
            if (hit) {
                correct++;
                tp[o.trueClass()]++;
                binCorrect[bin]++;
            }
        }
        double f1Sum = 0;
        int f1Classes = 0;
        Map<String, Double> recall = new LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            if (support[c] == 0 && predicted[c] == 0) {
                continue;
            }
            // F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + support)
            f1Sum += 2.0 * tp[c] / (predicted[c] + support[c]);
            f1Classes++;
            if (support[c] > 0) {
                recall.put(c < labels.size() ? labels.get(c) : "#" + c, (double) tp[c] / support[c]);
            }
        }
        double ece = 0;
        for (int b = 0; b < ECE_BINS; b++) {
            if (binCount[b] > 0) {
                double gap = Math.abs((double) binCorrect[b] / binCount[b] - binConfidence[b] / binCount[b]);
                ece += (double) binCount[b] / n * gap;
            }
        }
        return new PerformanceMetrics(
                n, correct, (double) correct / n, f1Sum / f1Classes, Collections.unmodifiableMap(recall), ece);
    }

    /** The bin of a confidence: {@code (b/10, (b+1)/10]}, 0 and below in the first, above 1 in the last. */
    static int bin(double confidence) {
        int b = (int) Math.ceil(confidence * ECE_BINS - 1e-6) - 1; // a float-stored 0.3 stays in (0.2, 0.3]
        return Math.max(0, Math.min(ECE_BINS - 1, b));
    }
}
