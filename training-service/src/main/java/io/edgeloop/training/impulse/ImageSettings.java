package io.edgeloop.training.impulse;

import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.training.domain.FieldProblem;
import java.util.List;

/**
 * The settings of the {@code image} processing block (see {@link ImageBlock}); {@link #NONE} for the other blocks.
 * Checks that need the image's shape (crop within the scaled size, grayscale on 3 channels, one mean / std per
 * channel) are made when the block is built for a shape.
 *
 * @param height scaled height in pixels; 0 = the sample's height
 * @param width scaled width in pixels; 0 = the sample's width
 * @param cropHeight height of the centre crop; 0 = no crop
 * @param cropWidth width of the centre crop; 0 = no crop
 * @param grayscale whether RGB is turned into luma (one channel)
 * @param mean per output channel (or one for all) subtracted; empty = 0
 * @param std per output channel (or one for all) dividing; empty = 1
 */
public record ImageSettings(
        int height, int width, int cropHeight, int cropWidth, boolean grayscale, List<Double> mean, List<Double> std) {
    /** No image settings (every block but {@code image}). */
    public static final ImageSettings NONE = new ImageSettings(0, 0, 0, 0, false, List.of(), List.of());
    /** Largest scaled or cropped side, in pixels. */
    public static final int MAX_SIDE = 1024;
    /** Most values of {@code channelMean} / {@code channelStd}. */
    public static final int MAX_CHANNELS = 16;

    public ImageSettings {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /** Whether any image field of {@code s} is set. */
    static boolean anySet(ImpulseSpec s) {
        return s.getImageHeight() != 0
                || s.getImageWidth() != 0
                || s.getCropHeight() != 0
                || s.getCropWidth() != 0
                || s.getGrayscale()
                || s.getChannelMeanCount() > 0
                || s.getChannelStdCount() > 0;
    }

    /**
     * The problems of the image fields of {@code s}.
     *
     * @param image whether the block is {@code image} (else every set image field is "not used by block ...")
     */
    static void problems(ImpulseSpec s, boolean image, String blockName, String prefix, List<FieldProblem> out) {
        if (!image) {
            String notUsed = "not used by block " + blockName;
            notUsed(out, prefix + "imageHeight", s.getImageHeight() != 0, notUsed);
            notUsed(out, prefix + "imageWidth", s.getImageWidth() != 0, notUsed);
            notUsed(out, prefix + "cropHeight", s.getCropHeight() != 0, notUsed);
            notUsed(out, prefix + "cropWidth", s.getCropWidth() != 0, notUsed);
            notUsed(out, prefix + "grayscale", s.getGrayscale(), notUsed);
            notUsed(out, prefix + "channelMean", s.getChannelMeanCount() > 0, notUsed);
            notUsed(out, prefix + "channelStd", s.getChannelStdCount() > 0, notUsed);
            return;
        }
        boolean scaleOk =
                pair(out, prefix + "imageHeight", s.getImageHeight(), prefix + "imageWidth", s.getImageWidth());
        boolean cropOk = pair(out, prefix + "cropHeight", s.getCropHeight(), prefix + "cropWidth", s.getCropWidth());
        if (scaleOk && cropOk && s.getImageHeight() > 0 && s.getCropHeight() > 0) {
            if (s.getCropHeight() > s.getImageHeight()) {
                out.add(new FieldProblem(
                        prefix + "cropHeight", "must be at most imageHeight (" + s.getImageHeight() + ")"));
            }
            if (s.getCropWidth() > s.getImageWidth()) {
                out.add(new FieldProblem(
                        prefix + "cropWidth", "must be at most imageWidth (" + s.getImageWidth() + ")"));
            }
        }
        values(out, prefix + "channelMean", s.getChannelMeanList(), false);
        values(out, prefix + "channelStd", s.getChannelStdList(), true);
    }

    private static void notUsed(List<FieldProblem> out, String field, boolean set, String message) {
        if (set) {
            out.add(new FieldProblem(field, message));
        }
    }

    /** Two sides set together in 1-{@link #MAX_SIDE}, or both 0; true when fine. */
    private static boolean pair(List<FieldProblem> out, String fieldA, int a, String fieldB, int b) {
        int before = out.size();
        for (int i = 0; i < 2; i++) {
            int v = i == 0 ? a : b;
            int other = i == 0 ? b : a;
            String field = i == 0 ? fieldA : fieldB;
            if (v < 0 || v > MAX_SIDE) {
                out.add(new FieldProblem(field, "must be 1-" + MAX_SIDE + " pixels (0 = not set)"));
            } else if (v == 0 && other != 0) {
                String name = (i == 0 ? fieldB : fieldA).substring((i == 0 ? fieldB : fieldA).lastIndexOf('.') + 1);
                out.add(new FieldProblem(field, "must be set together with " + name));
            }
        }
        return out.size() == before;
    }

    private static void values(List<FieldProblem> out, String field, List<Double> values, boolean positive) {
        if (values.size() > MAX_CHANNELS) {
            out.add(new FieldProblem(field, "at most " + MAX_CHANNELS + " values"));
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (!Double.isFinite(v) || Math.abs(v) > 1e6 || (positive && !(v > 1e-12))) {
                out.add(new FieldProblem(
                        field + "[" + i + "]",
                        positive ? "must be in (0, 1000000]" : "must be in [-1000000, 1000000]"));
                return;
            }
        }
    }

    /** The image settings of a valid spec. */
    static ImageSettings of(ImpulseSpec s) {
        return new ImageSettings(
                s.getImageHeight(),
                s.getImageWidth(),
                s.getCropHeight(),
                s.getCropWidth(),
                s.getGrayscale(),
                s.getChannelMeanList(),
                s.getChannelStdList());
    }

    /** Writes these settings into {@code b}. */
    void into(ImpulseSpec.Builder b) {
        b.setImageHeight(height)
                .setImageWidth(width)
                .setCropHeight(cropHeight)
                .setCropWidth(cropWidth)
                .setGrayscale(grayscale)
                .addAllChannelMean(mean)
                .addAllChannelStd(std);
    }
}
