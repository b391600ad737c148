package io.edgeloop.training.impulse;

import java.util.List;

/**
 * Mel filterbank energies (MFE) and mel-frequency cepstral coefficients (MFCC) per axis. The window is cut into
 * {@code frames = 1 + (length - frameLength) / frameStride} frames; each frame is multiplied by a periodic Hann
 * window and transformed by a real DFT of {@code fftLength} (zero-padded); the power {@code |X_k|^2 / fft} passes
 * {@code melFilters} triangular mel filters (HTK mel scale, low to high frequency, peak 1) and {@code ln(energy +
 * 1e-6)} is taken. MFCC then applies an orthonormal DCT-II over the filters and keeps the first {@code
 * coefficients}. Output: [axes * channels, frames] (channels = filters or coefficients; row {@code a * channels + c}
 * is channel c of axis a), ready for a 1D-CNN over frames (or flattened for an MLP).
 *
 * <p>Graph: Gather (constant frame indices) -> MatMul (windowed DFT [frame, 2 * bins]) -> Mul (square) -> MatMul
 * (mel filters [2 * bins, filters]) -> Add, Log -> [MatMul (DCT)] -> Transpose -> Reshape.
 */
public final class FrameBlock extends ProcessingBlock {
    private final boolean cepstral;
    private final int frame;
    private final int stride;
    private final int frames;
    private final int fft;
    private final int bins;
    private final int filters;
    private final int channels;
    private final float[] dft;
    private final float[] melMatrix;
    private final float[] dct;

    FrameBlock(ImpulseConfig config, int[] inputShape) {
        super(config, inputShape);
        cepstral = config.block() == ImpulseConfig.Block.MFCC;
        frame = config.frameLength();
        stride = config.frameStride();
        if (frame > length) {
            throw new IllegalArgumentException(
                    "frameLength: a frame of " + frame + " samples is longer than the window (" + length + " samples)");
        }
        fft = config.fftLength() > 0 ? config.fftLength() : Dsp.nextPowerOfTwo(frame);
        if (fft < frame) {
            throw new IllegalArgumentException("fftLength: " + fft + " is shorter than a frame (" + frame + ")");
        }
        frames = 1 + (length - frame) / stride;
        bins = Dsp.bins(fft);
        filters = config.melFilters();
        channels = cepstral ? config.coefficients() : filters;
        dft = Dsp.dftMatrix(frame, fft, true);
        float[] mel =
                Dsp.melMatrix(fft, filters, config.sampleRateHz(), config.lowFrequencyHz(), config.effectiveHighHz());
        melMatrix = Dsp.stacked(mel, bins, filters);
        dct = cepstral ? Dsp.dctMatrix(filters, channels) : null;
    }

    /** Frames per window. */
    public int frames() {
        return frames;
    }

    @Override
    public int[] outputShape() {
        return new int[] {axes * channels, frames};
    }

    @Override
    public long macs() {
        long perFrame = frame * 2L * bins + 2L * bins * filters + (cepstral ? (long) filters * channels : 0);
        return (long) axes * frames * perFrame;
    }

    @Override
    public long constantCount() {
        return dft.length + melMatrix.length + (dct == null ? 0 : dct.length) + (long) frames * frame;
    }

    @Override
    public String describe() {
        return config().block().wireName() + "(" + channels + "x" + frames + ")";
    }

    @Override
    protected float[] compute(float[] window) {
        float[] out = new float[axes * channels * frames];
        for (int a = 0; a < axes; a++) {
            double[] x = axis(window, a);
            for (int t = 0; t < frames; t++) {
                double[] f = new double[frame];
                System.arraycopy(x, t * stride, f, 0, frame);
                double[] energy =
                        Dsp.times(Dsp.squared(Dsp.times(f, dft, frame, 2 * bins)), melMatrix, 2 * bins, filters);
                double[] logE = new double[filters];
                for (int m = 0; m < filters; m++) {
                    logE[m] = Math.log(energy[m] + Dsp.LOG_FLOOR);
                }
                double[] values = cepstral ? Dsp.times(logE, dct, filters, channels) : logE;
                for (int c = 0; c < channels; c++) {
                    out[(a * channels + c) * frames + t] = (float) values[c];
                }
            }
        }
        return out;
    }

    @Override
    protected String emitBody(ImpulseGraph g, String x) {
        long[] idx = new long[frames * frame];
        for (int t = 0; t < frames; t++) {
            for (int n = 0; n < frame; n++) {
                idx[t * frame + n] = (long) t * stride + n;
            }
        }
        String indices = g.constantInt64("frame_indices", idx, frames, frame);
        String framed = g.node("Gather", "frames", List.of(x, indices), ImpulseGraph.intAttr("axis", 2));
        String spectrum = g.node("MatMul", "spectrum", List.of(framed, g.constant("dft", dft, frame, 2L * bins)));
        String power = g.node("Mul", "power", List.of(spectrum, spectrum));
        String mel = g.constant("mel_weights", melMatrix, 2L * bins, filters);
        String energy = g.node("MatMul", "mel_energy", List.of(power, mel));
        String floor = g.constant("log_floor", new float[] {Dsp.LOG_FLOOR});
        String values = g.node("Log", "log_mel", List.of(g.node("Add", "mel_energy_floor", List.of(energy, floor))));
        if (cepstral) {
            values = g.node("MatMul", "cepstrum", List.of(values, g.constant("dct", dct, filters, channels)));
        }
        String channelsFirst =
                g.node("Transpose", "channels_first", List.of(values), ImpulseGraph.intsAttr("perm", 0, 1, 3, 2));
        String shape = g.constantInt64("features_shape", new long[] {0, (long) axes * channels, frames}, 3);
        return g.node("Reshape", "features", List.of(channelsFirst, shape));
    }
}
