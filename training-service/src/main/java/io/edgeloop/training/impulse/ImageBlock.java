package io.edgeloop.training.impulse;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code image} processing block on [channels, height, width] images: optionally RGB -> luma ({@code 0.299 R +
 * 0.587 G + 0.114 B}), scaling of every channel to {@code imageHeight x imageWidth} (separable bilinear
 * interpolation with half-pixel centres; when shrinking, the triangle filter is widened by the scale factor, i.e.
 * antialiased as PIL's {@code BILINEAR}; edges clamp), a centre crop of {@code cropHeight x cropWidth} and {@code (x -
 * mean[c]) / std[c]} per output channel. Scaling and cropping are two constant matrices: rows {@code Ry} [cropH, H]
 * and columns {@code Rx} [cropW, W], {@code out_c = Ry * x_c * Rx^T}; grayscale and scaling are linear and commute,
 * so luma is taken first (fewer products). Output: [channels' (1 with grayscale), cropH, cropW], for a 2D-CNN (or
 * flattened for an MLP).
 *
 * <p>Graph: [Mul (luma weights [1, 3, 1, 1]) -> ReduceSum over channels] -> [MatMul (x, Rx^T [W, cropW])] ->
 * [MatMul (Ry [cropH, H], x), broadcast over batch and channels] -> [Sub (mean [C', 1, 1]) -> Div (std [C', 1,
 * 1])]; an Identity when the block changes nothing.
 */
public final class ImageBlock extends ProcessingBlock {
    /** Luma weights of R, G, B (ITU-R BT.601). */
    static final float[] LUMA = {0.299f, 0.587f, 0.114f};

    private final int channels;
    private final int height;
    private final int width;
    private final int outChannels;
    private final int outHeight;
    private final int outWidth;
    private final boolean gray;
    /** [outHeight, height], or null when the rows are kept as they are. */
    private final float[] rows;
    /** Rx^T: [width, outWidth], or null when the columns are kept as they are. */
    private final float[] cols;
    /** Per output channel; null = no normalisation. */
    private final float[] mean;

    private final float[] std;

    /**
     * @param inputShape the data set's sample shape (the model input)
     * @param image the same values as [channels, height, width] (see {@link ProcessingBlock#imageShape})
     */
    ImageBlock(ImpulseConfig config, int[] inputShape, int[] image) {
        super(config, inputShape);
        ImageSettings s = config.image();
        channels = image[0];
        height = image[1];
        width = image[2];
        gray = s.grayscale();
        if (gray && channels != 3) {
            throw new IllegalArgumentException("grayscale: needs 3 (RGB) channels, the images have " + channels);
        }
        outChannels = gray ? 1 : channels;
        int scaledH = s.height() > 0 ? s.height() : height;
        int scaledW = s.width() > 0 ? s.width() : width;
        outHeight = s.cropHeight() > 0 ? s.cropHeight() : scaledH;
        outWidth = s.cropWidth() > 0 ? s.cropWidth() : scaledW;
        if (outHeight > scaledH) {
            throw new IllegalArgumentException(
                    "cropHeight: " + outHeight + " pixels is more than the scaled height (" + scaledH + ")");
        }
        if (outWidth > scaledW) {
            throw new IllegalArgumentException(
                    "cropWidth: " + outWidth + " pixels is more than the scaled width (" + scaledW + ")");
        }
        rows = scaledH == height && outHeight == height
                ? null
                : interpolation(height, scaledH, (scaledH - outHeight) / 2, outHeight);
        cols = scaledW == width && outWidth == width
                ? null
                : transpose(interpolation(width, scaledW, (scaledW - outWidth) / 2, outWidth), outWidth, width);
        boolean normalises = !s.mean().isEmpty() || !s.std().isEmpty();
        mean = normalises ? perChannel("channelMean", s.mean(), 0) : null;
        std = normalises ? perChannel("channelStd", s.std(), 1) : null;
    }

    private float[] perChannel(String field, List<Double> values, float fallback) {
        float[] out = new float[outChannels];
        if (values.size() > 1 && values.size() != outChannels) {
            throw new IllegalArgumentException(field + ": " + values.size() + " values for " + outChannels
                    + " output channels (give one, or one per channel)");
        }
        for (int c = 0; c < outChannels; c++) {
            out[c] = values.isEmpty()
                    ? fallback
                    : values.get(values.size() == 1 ? 0 : c).floatValue();
        }
        return out;
    }

    /**
     * The weights [count, in] that scale {@code in} pixels to {@code out} and keep outputs {@code first} to {@code
     * first + count - 1}: a triangle filter of radius {@code max(1, in / out)} input pixels around each output
     * pixel's centre {@code (i + 0.5) * in / out}, normalised to sum 1 (pixels outside the image are left out, so
     * edges clamp).
     */
    static float[] interpolation(int in, int out, int first, int count) {
        double scale = (double) in / out;
        double support = Math.max(1, scale);
        float[] m = new float[count * in];
        for (int r = 0; r < count; r++) {
            double center = (first + r + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(in, (int) Math.ceil(center + support));
            double[] w = new double[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                w[j - lo] = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support));
                sum += w[j - lo];
            }
            for (int j = lo; j < hi; j++) {
                m[r * in + j] = (float) (w[j - lo] / sum);
            }
        }
        return m;
    }

    @Override
    public int[] outputShape() {
        return new int[] {outChannels, outHeight, outWidth};
    }

    /** The images as the block reads them, [channels, height, width] (the sample shape may be [H, W] or flat). */
    public int[] imageShape() {
        return bodyShape();
    }

    @Override
    protected int[] bodyShape() {
        return new int[] {channels, height, width};
    }

    @Override
    public long macs() {
        long luma = gray ? (long) channels * height * width : 0;
        long colMacs = cols == null ? 0 : (long) outChannels * height * width * outWidth;
        long rowMacs = rows == null ? 0 : (long) outChannels * outHeight * height * outWidth;
        return luma + colMacs + rowMacs;
    }

    @Override
    public long constantCount() {
        return (gray ? 3 : 0)
                + (rows == null ? 0 : rows.length)
                + (cols == null ? 0 : cols.length)
                + (mean == null ? 0 : 2L * outChannels);
    }

    @Override
    public String describe() {
        return "image(" + channels + "x" + height + "x" + width + "->" + outChannels + "x" + outHeight + "x" + outWidth
                + ")";
    }

    @Override
    protected float[] compute(float[] image) {
        int plane = height * width;
        double[][] planes = new double[outChannels][plane];
        for (int p = 0; p < plane; p++) {
            if (gray) {
                planes[0][p] = LUMA[0] * (double) image[p]
                        + LUMA[1] * (double) image[plane + p]
                        + LUMA[2] * (double) image[2 * plane + p];
            } else {
                for (int c = 0; c < channels; c++) {
                    planes[c][p] = image[c * plane + p];
                }
            }
        }
        float[] out = new float[outChannels * outHeight * outWidth];
        for (int c = 0; c < outChannels; c++) {
            double[] x = planes[c];
            // columns: [H, W] x Rx^T -> [H, outW]
            double[] t = cols == null ? x : rightTimes(x, cols, height, width, outWidth);
            // rows: Ry [outH, H] x [H, outW]
            double[] y = rows == null ? t : leftTimes(rows, t, outHeight, height, outWidth);
            for (int i = 0; i < y.length; i++) {
                double v = mean == null ? y[i] : (y[i] - mean[c]) / std[c];
                out[c * outHeight * outWidth + i] = (float) v;
            }
        }
        return out;
    }

    /** {@code a} [n, k] x {@code b} [k, m] with {@code b} in float. */
    private static double[] rightTimes(double[] a, float[] b, int n, int k, int m) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double x = a[i * k + j];
                if (x == 0) {
                    continue;
                }
                for (int l = 0; l < m; l++) {
                    out[i * m + l] += x * b[j * m + l];
                }
            }
        }
        return out;
    }

    /** {@code a} [n, k] x {@code b} [k, m] with {@code a} in float. */
    private static double[] leftTimes(float[] a, double[] b, int n, int k, int m) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double w = a[i * k + j];
                if (w == 0) {
                    continue;
                }
                for (int l = 0; l < m; l++) {
                    out[i * m + l] += w * b[j * m + l];
                }
            }
        }
        return out;
    }

    private static float[] transpose(float[] m, int r, int c) {
        float[] t = new float[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = m[i * c + j];
            }
        }
        return t;
    }

    @Override
    protected String emitBody(ImpulseGraph g, String x) {
        String v = x;
        List<String> done = new ArrayList<>();
        if (gray) {
            String weighted = g.node("Mul", "luma_weighted", List.of(v, g.constant("luma_weights", LUMA, 1, 3, 1, 1)));
            String axes = g.constantInt64("channel_axis", new long[] {1}, 1);
            v = g.node("ReduceSum", "luma", List.of(weighted, axes), ImpulseGraph.intAttr("keepdims", 1));
            done.add(v);
        }
        if (cols != null) {
            v = g.node("MatMul", "scale_columns", List.of(v, g.constant("columns", cols, width, outWidth)));
            done.add(v);
        }
        if (rows != null) {
            v = g.node("MatMul", "scale_rows", List.of(g.constant("rows", rows, outHeight, height), v));
            done.add(v);
        }
        if (mean != null) {
            String centered =
                    g.node("Sub", "centered", List.of(v, g.constant("channel_mean", mean, outChannels, 1, 1)));
            v = g.node("Div", "normalised", List.of(centered, g.constant("channel_std", std, outChannels, 1, 1)));
            done.add(v);
        }
        return done.isEmpty() ? g.node("Identity", "image", List.of(v)) : v;
    }
}
