package io.edgeloop.training.domain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import java.util.Arrays;

/**
 * What a classifier network outputs and how it is scored: logits of standardized rows evaluated in batches, the
 * softmax, and the class-weighted cross-entropy (on the graph for training, on probabilities for validation).
 */
public final class ClassifierOutputs {
    private static final int EVAL_BATCH = 512;

    private ClassifierOutputs() {}

    /** The network's logits for standardized flat rows, batch by batch in sub-managers so nothing leaks. */
    static float[][] logits(Trainer trainer, float[][] standardized, int[] sampleShape) {
        float[][] out = new float[standardized.length][];
        if (standardized.length == 0) {
            return out;
        }
        for (int from = 0; from < standardized.length; from += EVAL_BATCH) {
            int n = Math.min(EVAL_BATCH, standardized.length - from);
            int width = standardized[from].length;
            float[] flat = new float[n * width];
            for (int k = 0; k < n; k++) {
                System.arraycopy(standardized[from + k], 0, flat, k * width, width);
            }
            long[] dims = new long[sampleShape.length + 1];
            dims[0] = n;
            for (int d = 0; d < sampleShape.length; d++) {
                dims[d + 1] = sampleShape[d];
            }
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray x = sub.create(flat, new Shape(dims));
                NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
                int classes = (int) logits.getShape().get(1);
                float[] values = logits.toFloatArray();
                for (int k = 0; k < n; k++) {
                    out[from + k] = Arrays.copyOfRange(values, k * classes, (k + 1) * classes);
                }
            }
        }
        return out;
    }

    /**
     * Cross-entropy of a batch weighted per class: the weighted mean {@code sum(w[y_i] * -log p_i[y_i]) /
     * sum(w[y_i])}, as PyTorch's {@code CrossEntropyLoss(weight=...)}.
     */
    static NDArray weightedCrossEntropy(NDManager batch, NDArray logits, long[] labels, float[] classWeight) {
        int n = labels.length;
        int classes = classWeight.length;
        float[] oneHotWeighted = new float[n * classes];
        double total = 0;
        for (int k = 0; k < n; k++) {
            float w = classWeight[(int) labels[k]];
            oneHotWeighted[k * classes + (int) labels[k]] = w;
            total += w;
        }
        NDArray target = batch.create(oneHotWeighted, new Shape(n, classes));
        return logits.logSoftmax(1).mul(target).sum().neg().div((float) total);
    }

    /** The class-weighted mean cross-entropy of predicted probabilities (as {@link #weightedCrossEntropy}). */
    static double weightedLoss(float[][] probabilities, int[] labels, float[] classWeight) {
        double sum = 0;
        double total = 0;
        for (int i = 0; i < labels.length; i++) {
            double w = classWeight[labels[i]];
            sum -= w * Math.log(Math.max(probabilities[i][labels[i]], 1e-12));
            total += w;
        }
        return total == 0 ? 0 : sum / total;
    }

    /** Row-wise softmax of {@code logits / temperature}, in double precision. */
    public static float[][] softmax(float[][] logits, double temperature) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v / temperature);
            }
            double sum = 0;
            double[] e = new double[z.length];
            for (int c = 0; c < z.length; c++) {
                e[c] = Math.exp(z[c] / temperature - max);
                sum += e[c];
            }
            out[i] = new float[z.length];
            for (int c = 0; c < z.length; c++) {
                out[i][c] = (float) (e[c] / sum);
            }
        }
        return out;
    }
}
