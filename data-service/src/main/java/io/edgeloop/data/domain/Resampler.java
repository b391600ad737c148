package io.edgeloop.data.domain;

/**
 * Band-limited resampling (windowed sinc, Kaiser window, 16 zero crossings each side, a kernel table with linear
 * interpolation): for a lower rate the kernel is widened so that it low-pass filters at 95% of the new Nyquist
 * frequency first (no aliasing), for a higher rate it interpolates at 95% of the old one. Output sample {@code k}
 * is at input time {@code k * from / to}; the signal is taken as zero outside the recording.
 */
public final class Resampler {
    private static final int ZEROS = 16;
    private static final int STEPS = 512;
    private static final double ROLLOFF = 0.95;
    private static final double BETA = 9.0;
    private static final float[] KERNEL = kernel();

    private Resampler() {}

    /** The length of {@code length} values at {@code from} Hz resampled to {@code to} Hz. */
    public static long resampledLength(long length, double from, double to) {
        return (long) Math.floor(length * (to / from));
    }

    /** {@code in} (sampled at {@code from} Hz) at {@code to} Hz; {@code in} itself when the rates are equal. */
    public static float[] resample(float[] in, double from, double to) {
        if (from == to) {
            return in;
        }
        double step = from / to; // input samples per output sample
        double cutoff = ROLLOFF * Math.min(1.0, to / from); // of the input's Nyquist frequency
        double halfWidth = ZEROS / cutoff; // kernel half width in input samples
        float[] out = new float[(int) resampledLength(in.length, from, to)];
        for (int k = 0; k < out.length; k++) {
            double t = k * step;
            int lo = Math.max(0, (int) Math.ceil(t - halfWidth));
            int hi = Math.min(in.length - 1, (int) Math.floor(t + halfWidth));
            double sum = 0;
            for (int n = lo; n <= hi; n++) {
                sum += in[n] * kernelAt(cutoff * (t - n));
            }
            out[k] = (float) (cutoff * sum);
        }
        return out;
    }

    /** The windowed sinc at {@code x} (in zero crossings), from the table. */
    private static double kernelAt(double x) {
        double a = Math.abs(x) * STEPS;
        int i = (int) a;
        if (i >= ZEROS * STEPS) {
            return 0;
        }
        double frac = a - i;
        return KERNEL[i] + frac * (KERNEL[i + 1] - KERNEL[i]);
    }

    private static float[] kernel() {
        float[] k = new float[ZEROS * STEPS + 2];
        double norm = besselI0(BETA);
        for (int i = 0; i < k.length; i++) {
            double x = (double) i / STEPS;
            double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
            double r = x / ZEROS;
            double window = r >= 1 ? 0 : besselI0(BETA * Math.sqrt(1 - r * r)) / norm;
            k[i] = (float) (sinc * window);
        }
        return k;
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }
}
