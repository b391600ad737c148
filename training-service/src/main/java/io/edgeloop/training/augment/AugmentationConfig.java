package io.edgeloop.training.augment;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated augmentation spec (see {@code AugmentationSpec} in events.proto); every transform is off at 0 / false.
 * Ranges are checked by {@link #problems}; whether the data kind and sample shape take a transform by {@link
 * #fitProblems}.
 *
 * @param noiseStd gaussian noise, relative to the train split's std per feature (rows) or channel (windows, images)
 * @param timeShiftMax time series: largest shift in samples
 * @param zeroPadShift time series: zero padding instead of wrapping around
 * @param gainMin time series: smallest amplitude factor (0 = no gain)
 * @param gainMax time series: largest amplitude factor
 * @param horizontalFlip images: mirror left-right with probability 0.5
 * @param shiftPixels images: largest shift in rows and columns
 * @param brightness images: values scaled by a factor in [1 - brightness, 1 + brightness]
 * @param masks SpecAugment-style masks of an mfe / mfcc impulse's features ({@link FeatureMasks#NONE} = none)
 * @param rotationDegrees images: largest rotation in degrees
 * @param cropScaleMin images: smallest side fraction of a random crop scaled back to the image (0 = none)
 * @param mixupAlpha any kind: Beta(alpha, alpha) mixing of pairs within a batch, done by the trainer (0 = none)
 */
public record AugmentationConfig(
        double noiseStd,
        int timeShiftMax,
        boolean zeroPadShift,
        double gainMin,
        double gainMax,
        boolean horizontalFlip,
        int shiftPixels,
        double brightness,
        FeatureMasks masks,
        double rotationDegrees,
        double cropScaleMin,
        double mixupAlpha) {
    /** No augmentation. */
    public static final AugmentationConfig NONE =
            new AugmentationConfig(0, 0, false, 0, 0, false, 0, 0, FeatureMasks.NONE, 0, 0, 0);
    /** Largest relative noise accepted. */
    public static final double MAX_NOISE = 5;
    /** Largest gain factor accepted. */
    public static final double MAX_GAIN = 10;

    private static final String CIRCULAR = "circular";
    private static final String ZERO = "zero";

    /** Whether any transform is on. */
    public boolean augments() {
        return !equals(NONE);
    }

    /**
     * Checks the ranges of a requested spec.
     *
     * @param prefix field-name prefix, e.g. {@code spec.augmentation.}
     */
    public static List<FieldProblem> problems(AugmentationSpec s, String prefix) {
        List<FieldProblem> out = new ArrayList<>();
        if (!(s.getNoiseStd() >= 0 && s.getNoiseStd() <= MAX_NOISE)) {
            out.add(new FieldProblem(prefix + "noiseStd", "must be in [0, " + (int) MAX_NOISE + "] (0 = none)"));
        }
        if (s.getTimeShiftMax() < 0 || s.getTimeShiftMax() > 100_000) {
            out.add(new FieldProblem(prefix + "timeShiftMax", "must be 0-100000 samples (0 = none)"));
        }
        String mode = s.getTimeShiftMode().trim().toLowerCase(Locale.ROOT);
        if (!mode.isEmpty() && !mode.equals(CIRCULAR) && !mode.equals(ZERO)) {
            out.add(new FieldProblem(prefix + "timeShiftMode", "must be circular or zero"));
        } else if (!mode.isEmpty() && s.getTimeShiftMax() == 0) {
            out.add(new FieldProblem(prefix + "timeShiftMode", "only used with timeShiftMax > 0"));
        }
        double lo = s.getGainMin();
        double hi = s.getGainMax();
        if (lo != 0 || hi != 0) {
            if (!(lo > 0 && lo <= MAX_GAIN)) {
                out.add(new FieldProblem(prefix + "gainMin", "must be in (0, " + (int) MAX_GAIN + "] with gainMax"));
            } else if (!(hi >= lo && hi <= MAX_GAIN)) {
                out.add(new FieldProblem(prefix + "gainMax", "must be in [gainMin, " + (int) MAX_GAIN + "]"));
            }
        }
        if (s.getShiftPixels() < 0 || s.getShiftPixels() > 4096) {
            out.add(new FieldProblem(prefix + "shiftPixels", "must be 0-4096 (0 = none)"));
        }
        if (!(s.getBrightness() >= 0 && s.getBrightness() < 1)) {
            out.add(new FieldProblem(prefix + "brightness", "must be in [0, 1) (0 = none)"));
        }
        if (!(s.getRotationDegrees() >= 0 && s.getRotationDegrees() <= 180)) {
            out.add(new FieldProblem(prefix + "rotationDegrees", "must be in [0, 180] (0 = none)"));
        }
        if (!(s.getCropScaleMin() >= 0 && s.getCropScaleMin() < 1)) {
            out.add(new FieldProblem(prefix + "cropScaleMin", "must be in (0, 1) (0 = none)"));
        }
        if (!(s.getMixupAlpha() >= 0 && s.getMixupAlpha() <= Mixup.MAX_ALPHA)) {
            out.add(new FieldProblem(
                    prefix + "mixupAlpha", "must be in (0, " + (int) Mixup.MAX_ALPHA + "] (0 = none)"));
        }
        FeatureMasks.problems(s, prefix, out);
        return out;
    }

    /**
     * The config of a valid spec.
     *
     * @throws IllegalArgumentException when {@link #problems} finds any
     */
    public static AugmentationConfig resolve(AugmentationSpec s) {
        List<FieldProblem> p = problems(s, "");
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(
                    p.get(0).field() + ": " + p.get(0).message());
        }
        return new AugmentationConfig(
                s.getNoiseStd(),
                s.getTimeShiftMax(),
                ZERO.equals(s.getTimeShiftMode().trim().toLowerCase(Locale.ROOT)),
                s.getGainMin(),
                s.getGainMax(),
                s.getHorizontalFlip(),
                s.getShiftPixels(),
                s.getBrightness(),
                FeatureMasks.of(s),
                s.getRotationDegrees(),
                s.getCropScaleMin(),
                s.getMixupAlpha());
    }

    /** This config as the contract's message (unset = off; the shift mode written when a shift is on). */
    public AugmentationSpec toProto() {
        AugmentationSpec.Builder b = AugmentationSpec.newBuilder()
                .setNoiseStd(noiseStd)
                .setTimeShiftMax(timeShiftMax)
                .setGainMin(gainMin)
                .setGainMax(gainMax)
                .setHorizontalFlip(horizontalFlip)
                .setShiftPixels(shiftPixels)
                .setBrightness(brightness)
                .setRotationDegrees(rotationDegrees)
                .setCropScaleMin(cropScaleMin)
                .setMixupAlpha(mixupAlpha);
        masks.into(b);
        if (timeShiftMax > 0) {
            b.setTimeShiftMode(zeroPadShift ? ZERO : CIRCULAR);
        }
        return b.build();
    }

    /**
     * The transforms that samples of {@code kind} and (raw) shape {@code sample} cannot take: a field of another data
     * kind, or a shift as long as the window / image.
     *
     * @param sample the raw sample shape as the augmenter sees it: [F] rows, [C, L] windows, [C, H, W] images
     * @param prefix field-name prefix, e.g. {@code spec.augmentation.}
     */
    public List<FieldProblem> fitProblems(DataKind kind, int[] sample, String prefix) {
        List<FieldProblem> out = new ArrayList<>();
        boolean series = kind == DataKind.TIMESERIES;
        boolean image = kind == DataKind.IMAGE;
        String notUsed = "not used for " + kind.wireName() + " samples";
        if (timeShiftMax > 0 && !series) {
            out.add(new FieldProblem(prefix + "timeShiftMax", notUsed));
        } else if (timeShiftMax > 0 && timeShiftMax >= sample[sample.length - 1]) {
            out.add(new FieldProblem(
                    prefix + "timeShiftMax", "must be less than the window length " + sample[sample.length - 1]));
        }
        if (gainMin > 0 && !series) {
            out.add(new FieldProblem(prefix + "gainMin", notUsed));
        }
        if (horizontalFlip && !image) {
            out.add(new FieldProblem(prefix + "horizontalFlip", notUsed));
        }
        if (shiftPixels > 0 && !image) {
            out.add(new FieldProblem(prefix + "shiftPixels", notUsed));
        } else if (shiftPixels > 0 && shiftPixels >= Math.min(sample[1], sample[2])) {
            out.add(new FieldProblem(
                    prefix + "shiftPixels",
                    "must be less than the image's height and width " + sample[1] + "x" + sample[2]));
        }
        if (brightness > 0 && !image) {
            out.add(new FieldProblem(prefix + "brightness", notUsed));
        }
        if (rotationDegrees > 0 && !image) {
            out.add(new FieldProblem(prefix + "rotationDegrees", notUsed));
        }
        if (cropScaleMin > 0 && !image) {
            out.add(new FieldProblem(prefix + "cropScaleMin", notUsed));
        }
        return out;
    }

    /** Whether a transform of the raw samples is on (anything but the feature masks and mixup, which the trainer does). */
    public boolean transformsSamples() {
        return !equals(new AugmentationConfig(0, 0, false, 0, 0, false, 0, 0, masks, 0, 0, mixupAlpha));
    }
}
