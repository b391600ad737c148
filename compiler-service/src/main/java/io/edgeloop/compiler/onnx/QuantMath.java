package io.edgeloop.compiler.onnx;

/**
 * The arithmetic of int8 quantization, as ONNX QuantizeLinear/DequantizeLinear define it: {@code q = saturate(
 * round_half_to_even(x / scale) + zero_point)}, {@code x' = (q - zero_point) * scale}.
 */
public final class QuantMath {
    private QuantMath() {}

    /**
     * Scale and zero point of an activation.
     *
     * @param scale real value of one quantization step
     * @param zeroPoint the quantized value of real 0 (exactly representable)
     */
    public record Params(float scale, int zeroPoint) {}

    /**
     * Asymmetric parameters for values in {@code [lo, hi]}, widened to include 0 so that zero (padding, ReLU) is exact.
     *
     * @param unsigned uint8 ([0, 255]) when true, int8 ([-128, 127]) otherwise
     */
    public static Params activation(float lo, float hi, boolean unsigned) {
        int qmin = unsigned ? 0 : -128;
        int qmax = unsigned ? 255 : 127;
        double rmin = Math.min(lo, 0f);
        double rmax = Math.max(hi, 0f);
        if (rmax - rmin < 1e-12) {
            return new Params(1f, qmin);
        }
        double scale = (rmax - rmin) / (qmax - qmin);
        int zp = (int) Math.max(qmin, Math.min(qmax, Math.rint(qmin - rmin / scale)));
        return new Params((float) scale, zp);
    }

    /**
     * Symmetric per-channel int8 scales ({@code max|w| / 127}, zero point 0) of a weight tensor along {@code axis}.
     * An all-zero channel gets scale 1.
     */
    public static float[] perChannelScales(float[] w, long[] dims, int axis) {
        int channels = (int) dims[axis];
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = (int) ((i / inner) % channels);
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] == 0 ? 1f : maxAbs[c] / 127f;
        }
        return scales;
    }

    /** Quantizes {@code w} to int8 in [-127, 127] with per-channel {@code scales} along {@code axis}. */
    public static byte[] quantizeWeights(float[] w, long[] dims, int axis, float[] scales) {
        int channels = (int) dims[axis];
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = (int) ((i / inner) % channels);
            q[i] = (byte) Math.max(-127, Math.min(127, Math.rint(w[i] / scales[c])));
        }
        return q;
    }

    /**
     * int32 bias: {@code round(b[c] / (inputScale * weightScale[c]))}, saturated; the scale is the float32 product,
     * exactly what a DequantizeLinear fed by {@code Mul(inputScale, weightScale)} multiplies back.
     */
    public static int[] quantizeBias(float[] bias, float inputScale, float[] weightScales) {
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double s = inputScale * weightScales[c];
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.rint(bias[c] / s)));
        }
        return q;
    }

    /** Bias scales {@code inputScale * weightScale[c]}. */
    public static float[] biasScales(float inputScale, float[] weightScales) {
        float[] s = new float[weightScales.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = inputScale * weightScales[c];
        }
        return s;
    }

    /** QuantizeLinear of one value. */
    public static int quantize(float x, Params p, boolean unsigned) {
        int qmin = unsigned ? 0 : -128;
        int qmax = unsigned ? 255 : 127;
        return (int) Math.max(qmin, Math.min(qmax, Math.rint(x / p.scale()) + p.zeroPoint()));
    }

    /** DequantizeLinear of one value. */
    public static float dequantize(int q, Params p) {
        return (q - p.zeroPoint()) * p.scale();
    }
}
