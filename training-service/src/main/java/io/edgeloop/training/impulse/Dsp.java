package io.edgeloop.training.impulse;

/**
 * Constant matrices of the processing blocks, built once per block in float: the Java features and the exported
 * graph use the very same float values (the Java side computes with them in double).
 */
final class Dsp {
    /** Added to energies before the natural logarithm, in Java and in the graph. */
    static final float LOG_FLOOR = 1e-6f;
    /** Added to the variance before it divides the third and fourth central moments. */
    static final float VARIANCE_FLOOR = 1e-10f;

    /** Largest DFT matrix (floats) a block may hold: 16 MiB of constants in the exported graph. */
    static final long MAX_DFT_VALUES = 1L << 22;

    private Dsp() {}

    /** The smallest power of two at least {@code n}. */
    static int nextPowerOfTwo(int n) {
        int p = 1;
        while (p < n) {
            p <<= 1;
        }
        return p;
    }

    /** DFT bins of a real signal of DFT length {@code fft}: 0..fft/2. */
    static int bins(int fft) {
        return fft / 2 + 1;
    }

    /**
     * The real DFT of {@code length} samples (zero-padded to {@code fft}) as one matrix [length, 2 * bins]: column k
     * is {@code w[n] cos(2 pi k n / fft) / sqrt(fft)}, column bins + k is {@code -w[n] sin(...) / sqrt(fft)}, with
     * {@code w} the periodic Hann window of {@code length} samples (or 1). Squaring the product and summing the two
     * halves gives the power {@code |X_k|^2 / fft}.
     *
     * @throws IllegalArgumentException naming {@code fftLength} when the matrix would exceed {@link #MAX_DFT_VALUES}
     */
    static float[] dftMatrix(int length, int fft, boolean hann) {
        int k = bins(fft);
        if ((long) length * 2 * k > MAX_DFT_VALUES) {
            throw new IllegalArgumentException("fftLength: a DFT of " + length + " samples to " + k + " bins needs "
                    + (long) length * 2 * k + " constants, more than " + MAX_DFT_VALUES
                    + "; use shorter windows (or frames) or a shorter fftLength");
        }
        float[] m = new float[length * 2 * k];
        double scale = 1 / Math.sqrt(fft);
        for (int n = 0; n < length; n++) {
            double w = hann ? 0.5 - 0.5 * Math.cos(2 * Math.PI * n / length) : 1;
            for (int b = 0; b < k; b++) {
                double angle = 2 * Math.PI * (((long) b * n) % fft) / fft;
                m[n * 2 * k + b] = (float) (w * Math.cos(angle) * scale);
                m[n * 2 * k + k + b] = (float) (-w * Math.sin(angle) * scale);
            }
        }
        return m;
    }

    /** A [bins, outputs] matrix stacked twice ([2 * bins, outputs]): the same weights for the cos and sin halves. */
    static float[] stacked(float[] binWeights, int bins, int outputs) {
        float[] m = new float[2 * bins * outputs];
        System.arraycopy(binWeights, 0, m, 0, bins * outputs);
        System.arraycopy(binWeights, 0, m, bins * outputs, bins * outputs);
        return m;
    }

    /** HTK mel scale. */
    static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    static double hz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    /**
     * Triangular mel filters [bins, filters] over DFT bins at {@code k * rate / fft}: filter m rises from mel point m
     * to m + 1 and falls to m + 2 (points equally spaced in mel between low and high). Peak 1, no area
     * normalization.
     *
     * @throws IllegalArgumentException naming {@code melFilters} when a filter covers no bin
     */
    static float[] melMatrix(int fft, int filters, double rate, double lowHz, double highHz) {
        int k = bins(fft);
        double[] points = new double[filters + 2];
        double lo = mel(lowHz);
        double hi = mel(highHz);
        for (int i = 0; i < points.length; i++) {
            points[i] = hz(lo + (hi - lo) * i / (filters + 1));
        }
        float[] m = new float[k * filters];
        for (int f = 0; f < filters; f++) {
            double left = points[f];
            double center = points[f + 1];
            double right = points[f + 2];
            boolean any = false;
            for (int b = 0; b < k; b++) {
                double freq = b * rate / fft;
                double w = 0;
                if (freq > left && freq <= center) {
                    w = (freq - left) / (center - left);
                } else if (freq > center && freq < right) {
                    w = (right - freq) / (right - center);
                }
                m[b * filters + f] = (float) w;
                any |= w > 0;
            }
            if (!any) {
                throw new IllegalArgumentException("melFilters: mel filter " + f + " (" + Math.round(left) + "-"
                        + Math.round(right) + " Hz) covers no DFT bin (bins are " + (rate / fft)
                        + " Hz apart); use fewer filters or a longer fftLength");
            }
        }
        return m;
    }

    /** Orthonormal DCT-II [filters, coefficients]: {@code c_j = s_j sum_m x_m cos(pi j (m + 0.5) / M)}. */
    static float[] dctMatrix(int filters, int coefficients) {
        float[] m = new float[filters * coefficients];
        for (int i = 0; i < filters; i++) {
            for (int j = 0; j < coefficients; j++) {
                double s = j == 0 ? Math.sqrt(1.0 / filters) : Math.sqrt(2.0 / filters);
                m[i * coefficients + j] = (float) (s * Math.cos(Math.PI * j * (i + 0.5) / filters));
            }
        }
        return m;
    }

    /** {@code out[c] = sum_r v[r] * m[r, c]} for a row-major [rows, cols] float matrix, in double. */
    static double[] times(double[] v, float[] m, int rows, int cols) {
        double[] out = new double[cols];
        for (int r = 0; r < rows; r++) {
            double x = v[r];
            if (x == 0) {
                continue;
            }
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                out[c] += x * m[base + c];
            }
        }
        return out;
    }

    /** Element-wise square. */
    static double[] squared(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * v[i];
        }
        return out;
    }
}
