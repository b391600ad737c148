package io.edgeloop.training.domain;

/**
 * Per-feature standardization {@code (x - mean) / std}, fitted on the train split. The same statistics are baked into
 * the exported ONNX graph (Sub, Div), so devices feed raw sensor features.
 *
 * @param mean per-feature mean
 * @param std per-feature standard deviation (population), never below {@link #MIN_STD}
 */
public record Standardizer(float[] mean, float[] std) {
    /** Floor for a feature's standard deviation, so constant features do not divide by zero. */
    public static final float MIN_STD = 1e-6f;

    public Standardizer {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std differ in length");
        }
    }

    /** Fits mean and standard deviation per column of {@code rows} (at least one row). */
    public static Standardizer fit(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on no rows");
        }
        int n = rows[0].length;
        double[] sum = new double[n];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                sum[j] += row[j];
            }
        }
        float[] mean = new float[n];
        for (int j = 0; j < n; j++) {
            mean[j] = (float) (sum[j] / rows.length);
        }
        double[] sq = new double[n];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                double d = row[j] - mean[j];
                sq[j] += d * d;
            }
        }
        float[] std = new float[n];
        for (int j = 0; j < n; j++) {
            std[j] = (float) Math.max(Math.sqrt(sq[j] / rows.length), MIN_STD);
        }
        return new Standardizer(mean, std);
    }

    /** Standardized copy of {@code rows}; computed in float exactly like the ONNX graph's Sub and Div. */
    public float[][] apply(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] r = new float[mean.length];
            for (int j = 0; j < mean.length; j++) {
                r[j] = (rows[i][j] - mean[j]) / std[j];
            }
            out[i] = r;
        }
        return out;
    }
}
