package io.edgeloop.training.impulse;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.training.domain.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated processing-block spec with the defaults filled in (see {@code ImpulseSpec} in events.proto). The
 * settings that depend on the window's shape (frame and DFT lengths against the window length) are checked when a
 * block is built for a shape ({@link ProcessingBlock#create}).
 *
 * @param block the processing block
 * @param sampleRateHz sampling rate in Hz; 0 = unknown (only for {@code raw} and {@code spectral} without Hz edges)
 * @param frameLength mfe / mfcc: samples per frame
 * @param frameStride mfe / mfcc: samples between frame starts
 * @param fftLength DFT length; 0 = the next power of two of the frame (mfe / mfcc) or window (spectral)
 * @param bands spectral: frequency bands
 * @param melFilters mfe / mfcc: mel filters
 * @param coefficients mfcc: cepstral coefficients kept
 * @param lowFrequencyHz lowest frequency of bands / filters
 * @param highFrequencyHz highest frequency of bands / filters; 0 = Nyquist
 * @param window whether a Hann window is applied before the DFT (spectral; frames are always Hann-windowed)
 * @param image the image block's settings ({@link ImageSettings#NONE} for the other blocks)
 */
public record ImpulseConfig(
        Block block,
        double sampleRateHz,
        int frameLength,
        int frameStride,
        int fftLength,
        int bands,
        int melFilters,
        int coefficients,
        double lowFrequencyHz,
        double highFrequencyHz,
        boolean window,
        ImageSettings image) {
    /** No processing: the network sees the raw sample. */
    public static final ImpulseConfig RAW =
            new ImpulseConfig(Block.RAW, 0, 0, 0, 0, 0, 0, 0, 0, 0, true, ImageSettings.NONE);
    /** Largest DFT length accepted. */
    public static final int MAX_FFT = 4096;
    /** Largest number of bands / mel filters accepted. */
    public static final int MAX_FILTERS = 128;
    /** Default frame length (samples) of mfe / mfcc. */
    public static final int DEFAULT_FRAME = 32;
    /** Default spectral bands. */
    public static final int DEFAULT_BANDS = 8;
    /** Default mel filters. */
    public static final int DEFAULT_MEL_FILTERS = 16;
    /** Default cepstral coefficients. */
    public static final int DEFAULT_COEFFICIENTS = 13;

    /** The processing blocks. */
    public enum Block {
        /** No processing. */
        RAW,
        /** Per-axis moments and band powers of one DFT over the window. */
        SPECTRAL,
        /** Log mel filterbank energies per frame. */
        MFE,
        /** Mel-frequency cepstral coefficients per frame. */
        MFCC,
        /** Scale, centre crop, grayscale and per-channel normalisation of [channels, height, width] images. */
        IMAGE;

        /** The wire name ({@code raw}, {@code spectral}, {@code mfe}, {@code mfcc}). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a wire name; blank = {@link #RAW}.
         *
         * @throws IllegalArgumentException for another name
         */
        public static Block parse(String s) {
            if (s == null || s.isBlank()) {
                return RAW;
            }
            for (Block b : values()) {
                if (b.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("must be raw, spectral, mfe, mfcc or image");
        }
    }

    /** Whether a block runs (anything but {@link Block#RAW}). */
    public boolean processes() {
        return block != Block.RAW;
    }

    /** Whether the block is a signal block (spectral, mfe, mfcc: windows of [axes, length] and a sampling rate). */
    public boolean signal() {
        return block == Block.SPECTRAL || block == Block.MFE || block == Block.MFCC;
    }

    /** The high frequency in effect: the given one or the Nyquist frequency (0 when the rate is unknown). */
    public double effectiveHighHz() {
        return highFrequencyHz > 0 ? highFrequencyHz : sampleRateHz / 2;
    }

    /**
     * {@code spec} with its impulse's {@code sampleRateHz} set to {@code rateHz} when the impulse has a processing block
     * but no rate of its own (a data set's rate, or a stand-in for checks made before the data set is known); else
     * {@code spec} as it is.
     */
    public static io.edgeloop.proto.events.v1.TrainingSpec withRateIfMissing(
            io.edgeloop.proto.events.v1.TrainingSpec spec, double rateHz) {
        if (!spec.hasImpulse() || spec.getImpulse().getSampleRateHz() != 0 || !(rateHz > 0)) {
            return spec;
        }
        String block = spec.getImpulse().getBlock().trim();
        if (block.isEmpty()
                || Block.RAW.wireName().equalsIgnoreCase(block)
                || Block.IMAGE.wireName().equalsIgnoreCase(block)) {
            return spec;
        }
        return spec.toBuilder()
                .setImpulse(spec.getImpulse().toBuilder().setSampleRateHz(rateHz))
                .build();
    }

    /**
     * Checks a requested impulse; unset fields are fine (the default applies).
     *
     * @param prefix field-name prefix, e.g. {@code spec.impulse.}
     */
    public static List<FieldProblem> problems(ImpulseSpec s, String prefix) {
        List<FieldProblem> out = new ArrayList<>();
        Block block;
        try {
            block = Block.parse(s.getBlock());
        } catch (IllegalArgumentException e) {
            out.add(new FieldProblem(prefix + "block", e.getMessage()));
            return out;
        }
        boolean frames = block == Block.MFE || block == Block.MFCC;
        rate(s, block, prefix, out);
        range(out, prefix + "frameLength", s.getFrameLength(), 1, MAX_FFT, frames, block);
        range(out, prefix + "frameStride", s.getFrameStride(), 1, MAX_FFT, frames, block);
        boolean signal = block == Block.SPECTRAL || frames;
        range(out, prefix + "fftLength", s.getFftLength(), 2, MAX_FFT, signal, block);
        range(out, prefix + "bands", s.getBands(), 1, MAX_FILTERS, block == Block.SPECTRAL, block);
        range(out, prefix + "melFilters", s.getMelFilters(), 1, MAX_FILTERS, frames, block);
        range(out, prefix + "coefficients", s.getCoefficients(), 1, MAX_FILTERS, block == Block.MFCC, block);
        if (block == Block.MFCC && s.getCoefficients() > 0) {
            int filters = s.getMelFilters() > 0 ? s.getMelFilters() : DEFAULT_MEL_FILTERS;
            if (s.getCoefficients() <= MAX_FILTERS && s.getCoefficients() > filters) {
                out.add(new FieldProblem(prefix + "coefficients", "must be at most melFilters (" + filters + ")"));
            }
        }
        if (s.getFrameLength() > 0 && s.getFftLength() > 0 && frames && s.getFftLength() < s.getFrameLength()) {
            out.add(new FieldProblem(
                    prefix + "fftLength", "must be at least frameLength (" + s.getFrameLength() + ")"));
        }
        if (s.getNoWindow() && block != Block.SPECTRAL) {
            out.add(new FieldProblem(prefix + "noWindow", "only used with block spectral"));
        }
        frequencies(s, block, prefix, out);
        ImageSettings.problems(s, block == Block.IMAGE, block.wireName(), prefix, out);
        return out;
    }

    private static void rate(ImpulseSpec s, Block block, String prefix, List<FieldProblem> out) {
        double r = s.getSampleRateHz();
        if (!Double.isFinite(r) || r < 0 || r > 1e6) {
            out.add(new FieldProblem(prefix + "sampleRateHz", "must be in (0, 1000000] Hz (0 = unknown)"));
        } else if (r == 0 && (block == Block.MFE || block == Block.MFCC)) {
            out.add(new FieldProblem(prefix + "sampleRateHz", "is required for block " + block.wireName()));
        } else if (r != 0 && block == Block.RAW) {
            out.add(new FieldProblem(prefix + "sampleRateHz", "not used by block raw"));
        }
    }

    private static void frequencies(ImpulseSpec s, Block block, String prefix, List<FieldProblem> out) {
        double low = s.getLowFrequencyHz();
        double high = s.getHighFrequencyHz();
        double rate = s.getSampleRateHz();
        boolean lowOk = Double.isFinite(low) && low >= 0;
        boolean highOk = Double.isFinite(high) && high >= 0;
        if (!lowOk) {
            out.add(new FieldProblem(prefix + "lowFrequencyHz", "must be a frequency >= 0 (0 = default 0)"));
        }
        if (!highOk) {
            out.add(new FieldProblem(prefix + "highFrequencyHz", "must be a frequency >= 0 (0 = Nyquist)"));
        }
        if (!lowOk || !highOk) {
            return;
        }
        if ((low > 0 || high > 0) && (block == Block.RAW || block == Block.IMAGE)) {
            out.add(new FieldProblem(
                    prefix + (low > 0 ? "lowFrequencyHz" : "highFrequencyHz"),
                    "not used by block " + block.wireName()));
            return;
        }
        if ((low > 0 || high > 0) && !(rate > 0)) {
            if (block == Block.SPECTRAL) { // mfe / mfcc: the missing rate is already reported
                out.add(new FieldProblem(prefix + "sampleRateHz", "is required when frequencies are given in Hz"));
            }
            return;
        }
        double nyquist = rate / 2;
        if (high > nyquist + 1e-9) {
            out.add(new FieldProblem(prefix + "highFrequencyHz", "must be at most the Nyquist frequency " + nyquist));
        } else if (low >= (high > 0 ? high : nyquist) && rate > 0) {
            out.add(new FieldProblem(prefix + "lowFrequencyHz", "must be below the high frequency"));
        }
    }

    private static void range(
            List<FieldProblem> out, String field, int value, int min, int max, boolean used, Block block) {
        if (value == 0) {
            return;
        }
        if (!used) {
            out.add(new FieldProblem(field, "not used by block " + block.wireName()));
        } else if (value < min || value > max) {
            out.add(new FieldProblem(field, "must be " + min + "-" + max + " (0 = default)"));
        }
    }

    /**
     * Fills a requested impulse with defaults.
     *
     * @throws IllegalArgumentException when it has problems (see {@link #problems})
     */
    public static ImpulseConfig resolve(ImpulseSpec s) {
        List<FieldProblem> problems = problems(s, "impulse.");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid impulse: "
                    + String.join(
                            "; ",
                            problems.stream()
                                    .map(p -> p.field() + " " + p.message())
                                    .toList()));
        }
        Block block = Block.parse(s.getBlock());
        if (block == Block.RAW) {
            return RAW;
        }
        if (block == Block.IMAGE) { // a rate is ignored: data-service gives every impulse its data set's rate
            return new ImpulseConfig(block, 0, 0, 0, 0, 0, 0, 0, 0, 0, true, ImageSettings.of(s));
        }
        boolean frames = block != Block.SPECTRAL;
        int frame = frames ? (s.getFrameLength() > 0 ? s.getFrameLength() : DEFAULT_FRAME) : 0;
        return new ImpulseConfig(
                block,
                s.getSampleRateHz(),
                frame,
                frames ? (s.getFrameStride() > 0 ? s.getFrameStride() : Math.max(1, frame / 2)) : 0,
                s.getFftLength(),
                block == Block.SPECTRAL ? (s.getBands() > 0 ? s.getBands() : DEFAULT_BANDS) : 0,
                frames ? (s.getMelFilters() > 0 ? s.getMelFilters() : DEFAULT_MEL_FILTERS) : 0,
                block == Block.MFCC ? (s.getCoefficients() > 0 ? s.getCoefficients() : DEFAULT_COEFFICIENTS) : 0,
                s.getLowFrequencyHz(),
                s.getHighFrequencyHz(),
                !s.getNoWindow(),
                ImageSettings.NONE);
    }

    /** This impulse as the event contract's message (defaults filled in, except a DFT length that follows the shape). */
    public ImpulseSpec toProto() {
        ImpulseSpec.Builder b = ImpulseSpec.newBuilder().setBlock(block.wireName());
        if (block == Block.RAW) {
            return b.build();
        }
        if (block == Block.IMAGE) {
            image.into(b);
            return b.build();
        }
        return b.setSampleRateHz(sampleRateHz)
                .setFrameLength(frameLength)
                .setFrameStride(frameStride)
                .setFftLength(fftLength)
                .setBands(bands)
                .setMelFilters(melFilters)
                .setCoefficients(coefficients)
                .setLowFrequencyHz(lowFrequencyHz)
                .setHighFrequencyHz(highFrequencyHz)
                .setNoWindow(block == Block.SPECTRAL && !window)
                .build();
    }
}
