package io.edgeloop.training.augment;

import io.edgeloop.proto.events.v1.TrainingSpec;
import io.edgeloop.training.domain.Architecture;
import io.edgeloop.training.domain.DataKind;
import io.edgeloop.training.domain.FieldProblem;
import io.edgeloop.training.domain.InputLayout;
import io.edgeloop.training.impulse.FrameBlock;
import io.edgeloop.training.impulse.ImpulseConfig;
import io.edgeloop.training.impulse.ProcessingBlock;
import java.util.List;
import java.util.Random;

/**
 * Draws the random transforms of {@link AugmentationConfig} over raw train samples (flat rows of the sample shape),
 * anew on every {@link #apply} call (once per epoch), from a generator seeded by the run's seed: the same data, spec
 * and seed give the same augmented epochs. Per sample, in order: time series: time shift, gain, noise; images:
 * horizontal flip, shift, random crop scaled back, rotation, brightness, noise; feature rows: noise. (The feature
 * masks of {@link FeatureMasks} act on an impulse's features, in the trainer.) The noise's scale is the train split's standard
 * deviation per feature (rows) or per channel (time series, images), measured once on the unaugmented samples. The
 * input arrays are never modified.
 *
 * <p>Not thread-safe (one generator); one augmenter per training.
 */
public final class Augmenter {
    private final AugmentationConfig config;
    private final DataKind kind;
    private final int[] shape;
    private final float[] std;
    private final Random random;

    private Augmenter(AugmentationConfig config, DataKind kind, int[] shape, float[] std, long seed) {
        this.config = config;
        this.kind = kind;
        this.shape = shape.clone();
        this.std = std;
        // a stream apart from the batch shuffle's (seeded with the seed itself)
        this.random = new Random(seed * 0x9E3779B97F4A7C15L + 0x5A17L);
    }

    /**
     * An augmenter for train samples of {@code kind} and raw {@code sampleShape} (see {@link #sampleShape}).
     *
     * @param train the unaugmented train samples (their statistics scale the noise)
     * @throws IllegalArgumentException when a transform does not fit the samples (message {@code
     *     augmentation.<field>: <reason>})
     */
    public static Augmenter create(
            AugmentationConfig config, DataKind kind, int[] sampleShape, float[][] train, long seed) {
        List<FieldProblem> unfit = config.fitProblems(kind, sampleShape, "augmentation.");
        if (!unfit.isEmpty()) {
            throw new IllegalArgumentException(
                    unfit.get(0).field() + ": " + unfit.get(0).message());
        }
        int size = 1;
        for (int d : sampleShape) {
            size *= d;
        }
        for (float[] row : train) {
            if (row.length != size) {
                throw new IllegalArgumentException("train samples do not have the shape " + List.of(sampleShape));
            }
        }
        int groups = kind == DataKind.FEATURES ? size : sampleShape[0];
        return new Augmenter(config, kind, sampleShape, groupStd(train, groups), seed);
    }

    /**
     * The raw sample shape the transforms see: [F] for feature rows, [C, L] for time series (a flat [L] is one
     * channel), [C, H, W] for images (a [H, W] or a flat square sample is one channel).
     *
     * @param declared the data set's sample shape, empty = flat
     * @throws IllegalArgumentException when the shape does not fit the data kind
     */
    public static int[] sampleShape(DataKind kind, List<Integer> declared, int featureCount) {
        return switch (kind) {
            case FEATURES -> new int[] {featureCount};
            case TIMESERIES ->
                InputLayout.resolve(kind, declared, featureCount, Architecture.CNN1D)
                        .shape();
            case IMAGE ->
                InputLayout.resolve(kind, declared, featureCount, Architecture.CNN2D)
                        .shape();
        };
    }

    /**
     * What a requested spec's augmentation cannot do on a data set of {@code kind} and {@code shape} (for a 422 at
     * submission); nothing when the spec has no augmentation or its ranges are already wrong.
     */
    public static List<FieldProblem> fitProblems(
            TrainingSpec requested, String kind, List<Integer> shape, int featureCount, String prefix) {
        String p = prefix + "augmentation";
        if (!requested.hasAugmentation()
                || !AugmentationConfig.problems(requested.getAugmentation(), p + ".")
                        .isEmpty()) {
            return List.of();
        }
        AugmentationConfig config = AugmentationConfig.resolve(requested.getAugmentation());
        if (!config.augments()) {
            return List.of();
        }
        List<FieldProblem> out = new java.util.ArrayList<>();
        if (config.transformsSamples()) { // masks and mixup need no raw sample geometry
            DataKind dataKind;
            try {
                dataKind = DataKind.parse(kind);
            } catch (IllegalArgumentException e) {
                return List.of(); // the request's dataKind is reported on its own
            }
            if (imageImpulse(requested)) { // pixels of any data kind are augmented as images before the image block
                dataKind = DataKind.IMAGE;
            }
            try {
                out.addAll(config.fitProblems(dataKind, sampleShape(dataKind, shape, featureCount), p + "."));
            } catch (IllegalArgumentException e) {
                return List.of(new FieldProblem(p, "cannot augment these samples: " + e.getMessage()));
            }
        }
        String masks = maskProblem(requested, config.masks(), shape, featureCount);
        if (masks != null) {
            int colon = masks.indexOf(": ");
            out.add(new FieldProblem(p + "." + masks.substring(0, colon), masks.substring(colon + 2)));
        }
        return out;
    }

    /** Whether the requested spec puts an image block in front (its samples are then augmented as images). */
    private static boolean imageImpulse(TrainingSpec requested) {
        try {
            return requested.hasImpulse()
                    && ImpulseConfig.Block.parse(requested.getImpulse().getBlock()) == ImpulseConfig.Block.IMAGE;
        } catch (IllegalArgumentException e) {
            return false; // reported with the impulse
        }
    }

    /** The mask width that the impulse's features cannot take on samples of {@code shape}, or null. */
    private static String maskProblem(
            TrainingSpec requested, FeatureMasks masks, List<Integer> shape, int featureCount) {
        if (!masks.masks()
                || !requested.hasImpulse()
                || !ImpulseConfig.problems(requested.getImpulse(), "").isEmpty()) {
            return null;
        }
        ImpulseConfig impulse = ImpulseConfig.resolve(requested.getImpulse());
        List<Integer> windows = shape.isEmpty() ? List.of(featureCount) : shape;
        if (ProcessingBlock.shapeProblem(impulse, windows) != null
                || !(ProcessingBlock.create(
                                impulse,
                                windows.stream().mapToInt(Integer::intValue).toArray())
                        instanceof FrameBlock block)) {
            return null; // reported with the impulse
        }
        int axes = block.inputShape().length == 1 ? 1 : block.inputShape()[0];
        return masks.fitProblem(block.outputShape()[0] / axes, block.frames());
    }

    /** The config applied. */
    public AugmentationConfig config() {
        return config;
    }

    /** A freshly augmented copy of {@code samples} (flat rows of the sample shape). */
    public float[][] apply(float[][] samples) {
        float[][] out = new float[samples.length][];
        for (int i = 0; i < samples.length; i++) {
            float[] x = samples[i].clone();
            switch (kind) {
                case TIMESERIES -> x = series(x);
                case IMAGE -> x = image(x);
                case FEATURES -> {}
            }
            addNoise(x);
            out[i] = x;
        }
        return out;
    }

    private float[] series(float[] x) {
        int channels = shape[0];
        int length = shape[1];
        if (config.timeShiftMax() > 0) {
            int shift = random.nextInt(2 * config.timeShiftMax() + 1) - config.timeShiftMax();
            float[] shifted = new float[x.length];
            for (int c = 0; c < channels; c++) {
                for (int t = 0; t < length; t++) {
                    int from = t - shift;
                    if (from >= 0 && from < length) {
                        shifted[c * length + t] = x[c * length + from];
                    } else if (!config.zeroPadShift()) {
                        shifted[c * length + t] = x[c * length + Math.floorMod(from, length)];
                    }
                }
            }
            x = shifted;
        }
        if (config.gainMin() > 0) {
            scale(x, config.gainMin() + (config.gainMax() - config.gainMin()) * random.nextDouble());
        }
        return x;
    }

    private float[] image(float[] x) {
        int channels = shape[0];
        int h = shape[1];
        int w = shape[2];
        boolean flip = config.horizontalFlip() && random.nextBoolean();
        int dy = 0;
        int dx = 0;
        if (config.shiftPixels() > 0) {
            dy = random.nextInt(2 * config.shiftPixels() + 1) - config.shiftPixels();
            dx = random.nextInt(2 * config.shiftPixels() + 1) - config.shiftPixels();
        }
        if (flip || dy != 0 || dx != 0) {
            float[] moved = new float[x.length];
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < h; r++) {
                    int fromRow = r - dy;
                    if (fromRow < 0 || fromRow >= h) {
                        continue;
                    }
                    for (int col = 0; col < w; col++) {
                        int fromCol = col - dx;
                        if (fromCol < 0 || fromCol >= w) {
                            continue;
                        }
                        int source = flip ? w - 1 - fromCol : fromCol;
                        moved[(c * h + r) * w + col] = x[(c * h + fromRow) * w + source];
                    }
                }
            }
            x = moved;
        }
        if (config.cropScaleMin() > 0 || config.rotationDegrees() > 0) {
            x = cropAndRotate(x, channels, h, w);
        }
        if (config.brightness() > 0) {
            scale(x, 1 + config.brightness() * (2 * random.nextDouble() - 1));
        }
        return x;
    }

    /**
     * A random crop (sides a uniform fraction in [cropScaleMin, 1] of the image's, at a uniform position) scaled back
     * to the full image, then rotated about the centre by a uniform angle in [-rotationDegrees, rotationDegrees]: one
     * inverse mapping per output pixel, bilinear, zero outside the image.
     */
    private float[] cropAndRotate(float[] x, int channels, int h, int w) {
        double fraction = config.cropScaleMin() > 0
                ? config.cropScaleMin() + (1 - config.cropScaleMin()) * random.nextDouble()
                : 1;
        double top = (1 - fraction) * h * random.nextDouble();
        double left = (1 - fraction) * w * random.nextDouble();
        double angle = config.rotationDegrees() > 0
                ? Math.toRadians(config.rotationDegrees() * (2 * random.nextDouble() - 1))
                : 0;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        float[] out = new float[x.length];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                // rotation: the output pixel comes from the point rotated back about the centre
                double ry = cy + (r - cy) * cos - (c - cx) * sin;
                double rx = cx + (r - cy) * sin + (c - cx) * cos;
                // crop: the full image shows the crop window, pixel centres mapped half-pixel aligned
                double sy = top + (ry + 0.5) * fraction - 0.5;
                double sx = left + (rx + 0.5) * fraction - 0.5;
                for (int ch = 0; ch < channels; ch++) {
                    out[(ch * h + r) * w + c] = bilinear(x, ch, h, w, sy, sx);
                }
            }
        }
        return out;
    }

    /** Channel {@code ch} at (y, x), bilinear; 0 outside the image. */
    private static float bilinear(float[] img, int ch, int h, int w, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        double v = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int yy = y0 + dy;
                int xx = x0 + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                    double weight = (dy == 0 ? 1 - fy : fy) * (dx == 0 ? 1 - fx : fx);
                    v += weight * img[(ch * h + yy) * w + xx];
                }
            }
        }
        return (float) v;
    }

    private void addNoise(float[] x) {
        if (config.noiseStd() == 0) {
            return;
        }
        int group = x.length / std.length;
        for (int j = 0; j < x.length; j++) {
            x[j] += (float) (config.noiseStd() * std[j / group] * random.nextGaussian());
        }
    }

    private static void scale(float[] x, double factor) {
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) (x[j] * factor);
        }
    }

    /** Population standard deviation of each of {@code groups} equal, consecutive slices of the rows. */
    static float[] groupStd(float[][] rows, int groups) {
        double[] sum = new double[groups];
        double[] sq = new double[groups];
        long count = 0;
        for (float[] row : rows) {
            int per = row.length / groups;
            for (int j = 0; j < row.length; j++) {
                sum[j / per] += row[j];
                sq[j / per] += (double) row[j] * row[j];
            }
            count += per;
        }
        float[] out = new float[groups];
        for (int g = 0; g < groups && count > 0; g++) {
            double mean = sum[g] / count;
            out[g] = (float) Math.sqrt(Math.max(0, sq[g] / count - mean * mean));
        }
        return out;
    }
}
