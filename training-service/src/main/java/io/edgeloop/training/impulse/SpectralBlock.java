package io.edgeloop.training.impulse;

import java.util.List;

/**
 * Spectral analysis per axis: RMS ({@code sqrt(mean(x^2))}), skewness ({@code m3 / (m2 + eps)^1.5}), excess
 * kurtosis ({@code m4 / (m2 + eps)^2 - 3}, central moments {@code m_k}, {@code eps} = 1e-10) and the log mean power
 * ({@code ln(mean_k |X_k|^2 / fft + 1e-6)}) of {@code bands} equally wide frequency bands of one DFT over the whole
 * window, after removing the axis mean and applying a periodic Hann window (unless disabled). Bands span the low to
 * the high frequency (default 0 to Nyquist; without a sample rate, bands split 0 to Nyquist evenly). Output: [axes *
 * (3 + bands)], per axis {@code [rms, skewness, kurtosis, band_0 ... band_{B-1}]}.
 *
 * <p>Graph: ReduceMean, Sub, Mul, Sqrt, Pow, Div, a constant real-DFT MatMul [length, 2 * bins], squares, a band
 * MatMul [2 * bins, bands], Log, Concat, Reshape.
 */
public final class SpectralBlock extends ProcessingBlock {
    private final int fft;
    private final int bins;
    private final int bands;
    private final float[] dft;
    private final float[] bandMatrix;

    SpectralBlock(ImpulseConfig config, int[] inputShape) {
        super(config, inputShape);
        fft = config.fftLength() > 0 ? config.fftLength() : Dsp.nextPowerOfTwo(length);
        if (fft < length) {
            throw new IllegalArgumentException(
                    "fftLength: " + fft + " is shorter than the window (" + length + " samples)");
        }
        bins = Dsp.bins(fft);
        bands = config.bands();
        dft = Dsp.dftMatrix(length, fft, config.window());
        bandMatrix = Dsp.stacked(bandWeights(config), bins, bands);
    }

    /** [bins, bands]: 1 / (bins in the band) for every bin of the band. */
    private float[] bandWeights(ImpulseConfig c) {
        double rate = c.sampleRateHz() > 0 ? c.sampleRateHz() : 2; // unknown rate: frequencies as fractions of Nyquist
        double low = c.lowFrequencyHz();
        double high = c.highFrequencyHz() > 0 ? c.highFrequencyHz() : rate / 2;
        double width = (high - low) / bands;
        int[] band = new int[bins];
        int[] count = new int[bands];
        for (int k = 0; k < bins; k++) {
            double f = k * rate / fft;
            band[k] = -1;
            if (f >= low - 1e-9 && f <= high + 1e-9) {
                band[k] = Math.min(bands - 1, (int) Math.floor((f - low) / width + 1e-9));
                count[band[k]]++;
            }
        }
        for (int b = 0; b < bands; b++) {
            if (count[b] == 0) {
                throw new IllegalArgumentException("bands: band " + b + " holds no DFT bin (" + bins
                        + " bins); use fewer bands, a longer fftLength or a wider frequency range");
            }
        }
        float[] m = new float[bins * bands];
        for (int k = 0; k < bins; k++) {
            if (band[k] >= 0) {
                m[k * bands + band[k]] = 1f / count[band[k]];
            }
        }
        return m;
    }

    @Override
    public int[] outputShape() {
        return new int[] {axes * (3 + bands)};
    }

    @Override
    public long macs() {
        return (long) axes * (length * 2L * bins + 2L * bins * bands + 4L * length);
    }

    @Override
    public long constantCount() {
        return dft.length + bandMatrix.length;
    }

    @Override
    public String describe() {
        return "spectral(" + bands + " bands)";
    }

    @Override
    protected float[] compute(float[] window) {
        int per = 3 + bands;
        float[] out = new float[axes * per];
        for (int a = 0; a < axes; a++) {
            double[] x = axis(window, a);
            double mean = 0;
            double sq = 0;
            for (double v : x) {
                mean += v;
                sq += v * v;
            }
            mean /= length;
            double m2 = 0;
            double m3 = 0;
            double m4 = 0;
            double[] d = new double[length];
            for (int n = 0; n < length; n++) {
                d[n] = x[n] - mean;
                double d2 = d[n] * d[n];
                m2 += d2;
                m3 += d2 * d[n];
                m4 += d2 * d2;
            }
            m2 /= length;
            m3 /= length;
            m4 /= length;
            double var = m2 + Dsp.VARIANCE_FLOOR;
            out[a * per] = (float) Math.sqrt(sq / length);
            out[a * per + 1] = (float) (m3 / Math.pow(var, 1.5));
            out[a * per + 2] = (float) (m4 / (var * var) - 3);
            double[] power = Dsp.times(Dsp.squared(Dsp.times(d, dft, length, 2 * bins)), bandMatrix, 2 * bins, bands);
            for (int b = 0; b < bands; b++) {
                out[a * per + 3 + b] = (float) Math.log(power[b] + Dsp.LOG_FLOOR);
            }
        }
        return out;
    }

    @Override
    protected String emitBody(ImpulseGraph g, String x) {
        var keep = ImpulseGraph.intsAttr("axes", 2);
        var keepDims = ImpulseGraph.intAttr("keepdims", 1);
        String mean = g.node("ReduceMean", "mean", List.of(x), keep, keepDims);
        String d = g.node("Sub", "centered", List.of(x, mean));
        String x2 = g.node("Mul", "x_sq", List.of(x, x));
        String rms = g.node("Sqrt", "rms", List.of(g.node("ReduceMean", "mean_sq", List.of(x2), keep, keepDims)));
        String d2 = g.node("Mul", "centered_sq", List.of(d, d));
        String m2 = g.node("ReduceMean", "m2", List.of(d2), keep, keepDims);
        String m3 = g.node("ReduceMean", "m3", List.of(g.node("Mul", "centered_cube", List.of(d2, d))), keep, keepDims);
        String m4 = g.node("ReduceMean", "m4", List.of(g.node("Mul", "centered_4", List.of(d2, d2))), keep, keepDims);
        String eps = g.constant("variance_floor", new float[] {Dsp.VARIANCE_FLOOR});
        String var = g.node("Add", "variance", List.of(m2, eps));
        String oneHalf = g.constant("three_halves", new float[] {1.5f});
        String skew = g.node("Div", "skewness", List.of(m3, g.node("Pow", "std_cubed", List.of(var, oneHalf))));
        String ratio = g.node("Div", "kurtosis_raw", List.of(m4, g.node("Mul", "variance_sq", List.of(var, var))));
        String kurt = g.node("Sub", "kurtosis", List.of(ratio, g.constant("three", new float[] {3f})));
        String dftW = g.constant("dft", dft, length, 2L * bins);
        String spectrum = g.node("MatMul", "spectrum", List.of(d, dftW));
        String power = g.node("Mul", "power", List.of(spectrum, spectrum));
        String bandW = g.constant("band_weights", bandMatrix, 2L * bins, bands);
        String bandPower = g.node("MatMul", "band_power", List.of(power, bandW));
        String floor = g.constant("log_floor", new float[] {Dsp.LOG_FLOOR});
        String logPower =
                g.node("Log", "band_log_power", List.of(g.node("Add", "band_power_floor", List.of(bandPower, floor))));
        String features =
                g.node("Concat", "axis_features", List.of(rms, skew, kurt, logPower), ImpulseGraph.intAttr("axis", 2));
        String shape = g.constantInt64("features_shape", new long[] {0, (long) axes * (3 + bands)}, 2);
        return g.node("Reshape", "features", List.of(features, shape));
    }
}
