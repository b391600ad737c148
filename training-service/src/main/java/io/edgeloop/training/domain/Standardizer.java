package io.edgeloop.training.domain;

/**
 * Standardization {@code (x - mean) / std}, fitted on the train split, per feature or per channel. The same statistics
 * are baked into the exported ONNX graph (Sub, Div), so devices feed raw values. With {@code k} statistics and rows of
 * {@code n} values, value {@code j} belongs to channel {@code j / (n / k)} (channel-major layout, as [C, L] or
 * [C, H, W] flattened); {@code k = n} is per-feature standardization.
 *
 * @param mean per-feature (or per-channel) mean
 * @param std per-feature (or per-channel) standard deviation (population), never below {@link #MIN_STD}
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

    /**
     * Fits one mean and standard deviation per channel of channel-major rows ({@code channels} must divide the row
     * length).
     */
    public static Standardizer fitPerChannel(float[][] rows, int channels) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on no rows");
        }
        int n = rows[0].length;
        if (channels < 1 || n % channels != 0) {
            throw new IllegalArgumentException(channels + " channels do not divide " + n + " values");
        }
        int group = n / channels;
        double[] sum = new double[channels];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                sum[j / group] += row[j];
            }
        }
        double count = (double) rows.length * group;
        float[] mean = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = (float) (sum[c] / count);
        }
        double[] sq = new double[channels];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                double d = row[j] - mean[j / group];
                sq[j / group] += d * d;
            }
        }
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            std[c] = (float) Math.max(Math.sqrt(sq[c] / count), MIN_STD);
        }
        return new Standardizer(mean, std);
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
