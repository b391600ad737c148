package io.edgeloop.training.augment;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.training.domain.FieldProblem;
import java.util.List;
import java.util.Random;

/**
 * SpecAugment-style masking (Park et al. 2019, without time warping) of an mfe / mfcc impulse's features [channels,
 * frames], after normalization, on the train split only: per sample, {@code timeMasks} masks of a uniform width in
 * [1, {@code timeMaskMax}] consecutive frames and {@code frequencyMasks} masks of [1, {@code frequencyMaskMax}]
 * consecutive channels (rows) at uniform positions, set to 0 (the train split's mean after {@code standard}
 * normalization). With several axes, a frequency mask covers the same rows of every axis.
 *
 * @param timeMasks masks over frames per sample (0 = none)
 * @param timeMaskMax widest time mask, in frames
 * @param frequencyMasks masks over channels per sample (0 = none)
 * @param frequencyMaskMax widest frequency mask, in channels
 */
public record FeatureMasks(int timeMasks, int timeMaskMax, int frequencyMasks, int frequencyMaskMax) {
    /** No masking. */
    public static final FeatureMasks NONE = new FeatureMasks(0, 0, 0, 0);
    /** Most masks of one kind per sample. */
    public static final int MAX_MASKS = 8;

    /** Whether any mask is drawn. */
    public boolean masks() {
        return timeMasks > 0 || frequencyMasks > 0;
    }

    /** The ranges of the mask fields of {@code s}: counts 0-8 and widths 1-4096, each count with its width. */
    static void problems(AugmentationSpec s, String prefix, List<FieldProblem> out) {
        pair(s.getTimeMasks(), s.getTimeMaskMax(), prefix + "timeMasks", prefix + "timeMaskMax", out);
        pair(
                s.getFrequencyMasks(),
                s.getFrequencyMaskMax(),
                prefix + "frequencyMasks",
                prefix + "frequencyMaskMax",
                out);
    }

    private static void pair(int count, int width, String countField, String widthField, List<FieldProblem> out) {
        if (count < 0 || count > MAX_MASKS) {
            out.add(new FieldProblem(countField, "must be 0-" + MAX_MASKS + " (0 = none)"));
        } else if (width < 0 || width > 4096) {
            out.add(new FieldProblem(widthField, "must be 1-4096"));
        } else if (count > 0 && width == 0) {
            out.add(new FieldProblem(widthField, "must be set (1-4096) with " + tail(countField)));
        } else if (count == 0 && width > 0) {
            out.add(new FieldProblem(widthField, "only used with " + tail(countField) + " > 0"));
        }
    }

    private static String tail(String field) {
        return field.substring(field.lastIndexOf('.') + 1);
    }

    /**
     * The masks that an impulse cannot take: masking needs the [channels, frames] features of an mfe or mfcc block.
     *
     * @param impulse the spec's impulse (null or raw = none)
     */
    public static List<FieldProblem> impulseProblems(AugmentationSpec s, ImpulseSpec impulse, String prefix) {
        String block = impulse == null ? "" : impulse.getBlock().trim().toLowerCase(java.util.Locale.ROOT);
        boolean frames = block.equals("mfe") || block.equals("mfcc");
        if (frames) {
            return List.of();
        }
        String why = "needs an mfe or mfcc impulse (features by frames)";
        if (s.getTimeMasks() > 0) {
            return List.of(new FieldProblem(prefix + "timeMasks", why));
        }
        if (s.getFrequencyMasks() > 0) {
            return List.of(new FieldProblem(prefix + "frequencyMasks", why));
        }
        return List.of();
    }

    /**
     * The widths that features of {@code rows} channels by {@code frames} frames cannot take, as {@code field:
     * reason} messages (fields relative to the augmentation), or null when they fit.
     *
     * @param channels channels per axis (rows / axes)
     */
    public String fitProblem(int channels, int frames) {
        if (timeMasks > 0 && timeMaskMax >= frames) {
            return "timeMaskMax: must be less than the impulse's " + frames + " frames";
        }
        if (frequencyMasks > 0 && frequencyMaskMax >= channels) {
            return "frequencyMaskMax: must be less than the impulse's " + channels + " channels";
        }
        return null;
    }

    /** The masks of a valid spec. */
    static FeatureMasks of(AugmentationSpec s) {
        return new FeatureMasks(s.getTimeMasks(), s.getTimeMaskMax(), s.getFrequencyMasks(), s.getFrequencyMaskMax());
    }

    void into(AugmentationSpec.Builder b) {
        b.setTimeMasks(timeMasks)
                .setTimeMaskMax(timeMaskMax)
                .setFrequencyMasks(frequencyMasks)
                .setFrequencyMaskMax(frequencyMaskMax);
    }

    /**
     * A masked copy of every row (normalized features, flat [axes * channels, frames]); the rows are not modified.
     *
     * @param axes axes of the window (each holds {@code rows / axes} channels)
     */
    public float[][] apply(float[][] rows, int axes, int channelRows, int frames, Random random) {
        int channels = channelRows / axes;
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] x = rows[i].clone();
            for (int m = 0; m < timeMasks; m++) {
                int width = 1 + random.nextInt(timeMaskMax);
                int start = random.nextInt(frames - width + 1);
                for (int r = 0; r < channelRows; r++) {
                    java.util.Arrays.fill(x, r * frames + start, r * frames + start + width, 0f);
                }
            }
            for (int m = 0; m < frequencyMasks; m++) {
                int width = 1 + random.nextInt(frequencyMaskMax);
                int start = random.nextInt(channels - width + 1);
                for (int a = 0; a < axes; a++) {
                    for (int c = start; c < start + width; c++) {
                        int row = a * channels + c;
                        java.util.Arrays.fill(x, row * frames, (row + 1) * frames, 0f);
                    }
                }
            }
            out[i] = x;
        }
        return out;
    }
}
