package io.edgeloop.training.augment;

import java.util.Random;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * Mixup (Zhang et al., "mixup: Beyond Empirical Risk Minimization", 2018) within a training batch: every sample is
 * mixed with a random partner of the same batch, {@code x = lambda * x_i + (1 - lambda) * x_partner}, with one
 * {@code lambda ~ Beta(alpha, alpha)} per batch; the trainer mixes the losses of the two label sets with the same
 * weights, which for cross-entropy equals training on the mixed one-hot targets. Soft targets (distillation) are mixed
 * the same way. Seeded: the same run mixes the same way.
 */
public final class Mixup {
    /** Largest alpha accepted. */
    public static final double MAX_ALPHA = 10;

    private final BetaDistribution beta;
    private final Random random;

    private Mixup(double alpha, long seed) {
        this.beta = new BetaDistribution(new Well19937c(seed), alpha, alpha);
        this.random = new Random(seed * 31 + 17);
    }

    /** Mixup with {@code Beta(alpha, alpha)} weights, or null when {@code alpha} is 0 (off). */
    public static Mixup of(double alpha, long seed) {
        if (!(alpha >= 0 && alpha <= MAX_ALPHA)) {
            throw new IllegalArgumentException("mixup alpha must be in (0, " + MAX_ALPHA + "], is " + alpha);
        }
        return alpha == 0 ? null : new Mixup(alpha, seed);
    }

    /**
     * How one batch was mixed.
     *
     * @param lambda the weight of each sample's own values and label
     * @param partner for each row, the row it was mixed with
     */
    public record Mixed(float lambda, int[] partner) {
        /** The labels of each row's partner. */
        public long[] partnerLabels(long[] labels) {
            long[] out = new long[partner.length];
            for (int i = 0; i < partner.length; i++) {
                out[i] = labels[partner[i]];
            }
            return out;
        }
    }

    /**
     * Mixes the {@code n} rows of {@code rowLength} values in {@code x} in place, and {@code soft} (rows of {@code
     * classes} target probabilities) when not null.
     */
    public Mixed mix(float[] x, int n, int rowLength, float[] soft, int classes) {
        float lambda = (float) beta.sample();
        int[] partner = new int[n];
        for (int i = 0; i < n; i++) {
            partner[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = partner[i];
            partner[i] = partner[j];
            partner[j] = t;
        }
        blend(x, n, rowLength, lambda, partner);
        if (soft != null) {
            blend(soft, n, classes, lambda, partner);
        }
        return new Mixed(lambda, partner);
    }

    private static void blend(float[] values, int n, int rowLength, float lambda, int[] partner) {
        float[] own = values.clone();
        for (int i = 0; i < n; i++) {
            int a = i * rowLength;
            int b = partner[i] * rowLength;
            for (int k = 0; k < rowLength; k++) {
                values[a + k] = lambda * own[a + k] + (1 - lambda) * own[b + k];
            }
        }
    }
}
