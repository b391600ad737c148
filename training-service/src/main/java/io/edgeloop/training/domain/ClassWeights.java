package io.edgeloop.training.domain;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loss weights per class: none (every sample weighs 1), {@code balanced} (class {@code c} weighs {@code n / (k *
 * n_c)} over the train split's {@code n} samples of {@code k} classes, as scikit-learn's {@code
 * class_weight="balanced"}), or explicit weights by label (labels not named weigh 1). The weighted loss is the
 * weighted mean of the per-sample cross-entropies, as PyTorch's {@code CrossEntropyLoss(weight=...)}.
 *
 * @param mode which of the three
 * @param explicit weights by label (only for {@link Mode#EXPLICIT})
 */
public record ClassWeights(Mode mode, Map<String, Double> explicit) {
    /** No weighting. */
    public static final ClassWeights NONE = new ClassWeights(Mode.NONE, Map.of());
    /** Balanced weighting. */
    public static final ClassWeights BALANCED = new ClassWeights(Mode.BALANCED, Map.of());
    /** Largest explicit weight accepted. */
    public static final double MAX_WEIGHT = 1000;

    /** Kinds of weighting. */
    public enum Mode {
        NONE,
        BALANCED,
        EXPLICIT
    }

    public ClassWeights {
        explicit = Map.copyOf(new TreeMap<>(explicit));
        if (mode == null || (mode == Mode.EXPLICIT) == explicit.isEmpty()) {
            throw new IllegalArgumentException("explicit weights go with mode EXPLICIT only");
        }
        explicit.forEach((label, w) -> {
            if (w == null || !(w > 0) || w > MAX_WEIGHT) {
                throw new IllegalArgumentException("weight of '" + label + "' must be in (0, " + MAX_WEIGHT + "]");
            }
        });
    }

    /** Explicit weights by label. */
    public static ClassWeights of(Map<String, Double> weights) {
        return new ClassWeights(Mode.EXPLICIT, weights);
    }

    /**
     * The weighting a spec asks for: explicit weights when given, else {@code weighting} ({@code none} / blank or
     * {@code balanced}).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ClassWeights parse(String weighting, Map<String, Double> weights) {
        if (!weights.isEmpty()) {
            return of(weights);
        }
        String w = weighting == null ? "" : weighting.trim().toLowerCase(Locale.ROOT);
        return switch (w) {
            case "", "none" -> NONE;
            case "balanced" -> BALANCED;
            default -> throw new IllegalArgumentException("must be none or balanced");
        };
    }

    /** Whether samples are weighted at all. */
    public boolean weighted() {
        return mode != Mode.NONE;
    }

    /**
     * The weight of each class index.
     *
     * @param labels class labels by index
     * @param trainLabels class index of every train sample
     * @throws IllegalArgumentException when explicit weights name a label the data set does not have
     */
    public float[] perClass(List<String> labels, int[] trainLabels) {
        float[] w = new float[labels.size()];
        java.util.Arrays.fill(w, 1f);
        switch (mode) {
            case NONE -> {}
            case BALANCED -> {
                long[] counts = new long[labels.size()];
                for (int y : trainLabels) {
                    counts[y]++;
                }
                for (int c = 0; c < w.length; c++) {
                    // a class absent from the train split gets no samples to weigh; keep 1
                    w[c] = counts[c] == 0 ? 1f : (float) ((double) trainLabels.length / (labels.size() * counts[c]));
                }
            }
            case EXPLICIT ->
                explicit.forEach((label, weight) -> {
                    int c = labels.indexOf(label);
                    if (c < 0) {
                        throw new IllegalArgumentException(
                                "classWeights names label '" + label + "', which is not one of " + labels);
                    }
                    w[c] = weight.floatValue();
                });
        }
        return w;
    }
}
