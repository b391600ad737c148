package io.edgeloop.agent.domain;

import java.util.List;

/**
 * The classification view of a model: which float output holds the class scores ({@code [batch, classes]}) and the
 * class labels in output order. Scores that are not a probability distribution (logits) go through softmax.
 */
public record Classification(String outputName, List<String> labels) {
    public Classification {
        labels = List.copyOf(labels);
    }

    /** Number of classes. */
    public int classes() {
        return labels.size();
    }

    /** Probabilities of row {@code row} of the score tensor. */
    public float[] probabilities(Tensor scores, int row) {
        int c = classes();
        return toProbabilities(scores.floats(row * c, c));
    }

    /** Index of the best class of row {@code row}. */
    public int best(Tensor scores, int row) {
        int c = classes();
        int best = 0;
        for (int i = 1; i < c; i++) {
            if (scores.get(row * c + i) > scores.get(row * c + best)) {
                best = i;
            }
        }
        return best;
    }

    /** Scores as probabilities: kept when they already are a distribution, otherwise softmax (logits). */
    public static float[] toProbabilities(float[] scores) {
        double sum = 0;
        boolean inUnitRange = true;
        for (float s : scores) {
            sum += s;
            inUnitRange &= s >= 0f && s <= 1f;
        }
        if (inUnitRange && Math.abs(sum - 1.0) < 1e-3) {
            return scores.clone();
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double[] e = new double[scores.length];
        double total = 0;
        for (int i = 0; i < scores.length; i++) {
            e[i] = Math.exp(scores[i] - max);
            total += e[i];
        }
        float[] p = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            p[i] = (float) (e[i] / total);
        }
        return p;
    }
}
