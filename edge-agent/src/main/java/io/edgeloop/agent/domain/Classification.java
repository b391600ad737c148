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
        return io.edgeloop.common.ClassScores.toProbabilities(scores);
    }
}
