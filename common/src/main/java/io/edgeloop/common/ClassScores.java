package io.edgeloop.common;

/**
 * A classifier's output row read as class probabilities, the same way everywhere a prediction's confidence is shown
 * (the edge agent's answers, active learning's suggestions re-scored by the compiler).
 */
public final class ClassScores {
    private ClassScores() {}

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
