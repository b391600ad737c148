package io.edgeloop.training.domain;

/**
 * Input scaling {@code (x - mean) / std}, fitted on the train split, per feature or per channel, for one of the
 * {@link Normalization}s ({@code mean} and {@code std} hold the offset and scale: mean and std, min and range, or 0
 * and 1). The same statistics are baked into the exported ONNX graph (Sub, Div), so devices feed raw values. With
 * {@code k} statistics and rows of {@code n} values, value {@code j} belongs to channel {@code j / (n / k)}
 * (channel-major layout, as [C, L] or [C, H, W] flattened); {@code k = n} is per-feature scaling.
 *
 * <p>A feature (or channel) that is constant in the train split gets scale 1, as scikit-learn does: a later non-zero
 * value then moves the input by its own size instead of by a millionfold.
 *
 * @param mean per-feature (or per-channel) offset
 * @param std per-feature (or per-channel) scale, positive
 */
public record Standardizer(float[] mean, float[] std) {
    /** Below this spread (relative to the feature's magnitude, at least 1) a feature counts as constant. */
    public static final double CONSTANT_SPREAD = 1e-6;

    public Standardizer {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std differ in length");
        }
    }

    /** Fits mean and standard deviation per column of {@code rows} (at least one row). */
    public static Standardizer fit(float[][] rows) {
        return fit(rows, Normalization.STANDARD);
    }

    /** Fits {@code normalization} per column of {@code rows} (at least one row). */
    public static Standardizer fit(float[][] rows, Normalization normalization) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on no rows");
        }
        return fitGroups(rows, rows[0].length, normalization);
    }

    /**
     * Fits one mean and standard deviation per channel of channel-major rows ({@code channels} must divide the row
     * length).
     */
    public static Standardizer fitPerChannel(float[][] rows, int channels) {
        return fitPerChannel(rows, channels, Normalization.STANDARD);
    }

    /** Fits {@code normalization} per channel of channel-major rows ({@code channels} must divide the row length). */
    public static Standardizer fitPerChannel(float[][] rows, int channels, Normalization normalization) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on no rows");
        }
        int n = rows[0].length;
        if (channels < 1 || n % channels != 0) {
            throw new IllegalArgumentException(channels + " channels do not divide " + n + " values");
        }
        return fitGroups(rows, channels, normalization);
    }

    private static Standardizer fitGroups(float[][] rows, int groups, Normalization normalization) {
        int n = rows[0].length;
        int group = n / groups;
        double count = (double) rows.length * group;
        double[] sum = new double[groups];
        double[] min = new double[groups];
        double[] max = new double[groups];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                int g = j / group;
                sum[g] += row[j];
                min[g] = Math.min(min[g], row[j]);
                max[g] = Math.max(max[g], row[j]);
            }
        }
        double[] mean = new double[groups];
        for (int g = 0; g < groups; g++) {
            mean[g] = sum[g] / count;
        }
        double[] sq = new double[groups];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                double d = row[j] - mean[j / group];
                sq[j / group] += d * d;
            }
        }
        float[] offset = new float[groups];
        float[] scale = new float[groups];
        for (int g = 0; g < groups; g++) {
            boolean constant = max[g] - min[g] <= CONSTANT_SPREAD * Math.max(1, Math.abs(mean[g]));
            switch (normalization) {
                case STANDARD -> {
                    offset[g] = (float) mean[g];
                    scale[g] = constant ? 1f : (float) Math.sqrt(sq[g] / count);
                }
                case MINMAX -> {
                    offset[g] = (float) min[g];
                    scale[g] = constant ? 1f : (float) (max[g] - min[g]);
                }
                case NONE -> scale[g] = 1f;
            }
            if (!(scale[g] > 0)) {
                scale[g] = 1f; // a spread too small for float
            }
        }
        return new Standardizer(offset, scale);
    }

    /** Standardized copy of {@code rows}; computed in float exactly like the ONNX graph's Sub and Div. */
    public float[][] apply(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            int n = rows[i].length;
            int group = n / mean.length;
            if (group * mean.length != n) {
                throw new IllegalArgumentException("row of " + n + " values for " + mean.length + " statistics");
            }
            float[] r = new float[n];
            for (int j = 0; j < n; j++) {
                int c = j / group;
                r[j] = (rows[i][j] - mean[c]) / std[c];
            }
            out[i] = r;
        }
        return out;
    }
}
