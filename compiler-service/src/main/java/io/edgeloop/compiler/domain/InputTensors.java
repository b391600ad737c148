package io.edgeloop.compiler.domain;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds a run's input tensors from {@link InputFeed}s: the feature input from sample rows (or seeded random values),
 * the others filled with their value, each with its element type. Uses only the JDK and ONNX Runtime (the isolated
 * memory probe's child uses it too). Tensors are direct buffers in native order; the caller closes them.
 */
public final class InputTensors {
    private InputTensors() {}

    /**
     * The tensors of one run of {@code batch} samples: rows {@code from..from+batch-1} of {@code rows} for the
     * feature input, or seeded gaussian values when {@code rows} is null.
     */
    public static Map<String, OnnxTensor> create(
            OrtEnvironment env, List<InputFeed> feeds, int batch, float[][] rows, int from, long seed)
            throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (InputFeed f : feeds) {
                tensors.put(f.name(), create(env, f, batch, rows, from, seed));
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** Closes every tensor of {@code tensors}. */
    public static void close(Map<String, OnnxTensor> tensors) {
        tensors.values().forEach(OnnxTensor::close);
    }

    private static OnnxTensor create(OrtEnvironment env, InputFeed f, int batch, float[][] rows, int from, long seed)
            throws OrtException {
        long[] dims = f.dims(batch);
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        int n = Math.toIntExact(count);
        double[] values = new double[n];
        if (f.feature()) {
            int per = n / Math.max(1, batch);
            Random r = new Random(seed);
            for (int i = 0; i < n; i++) {
                values[i] = rows == null ? r.nextGaussian() : rows[from + i / per][i % per];
            }
        } else {
            java.util.Arrays.fill(values, f.fill());
        }
        ByteBuffer buf =
                ByteBuffer.allocateDirect(Math.max(1, n * f.type().size)).order(ByteOrder.nativeOrder());
        for (double v : values) {
            switch (f.type()) {
                case FLOAT -> buf.putFloat((float) v);
                case DOUBLE -> buf.putDouble(v);
                case FLOAT16 -> buf.putShort(toHalf((float) v));
                case INT8, UINT8 -> buf.put((byte) (long) v);
                case BOOL -> buf.put((byte) (v != 0 ? 1 : 0));
                case INT16 -> buf.putShort((short) (long) v);
                case INT32 -> buf.putInt((int) (long) v);
                case INT64 -> buf.putLong((long) v);
                default ->
                    throw new IllegalArgumentException(
                            "input '" + f.name() + "' has element type " + f.type() + ", which cannot be filled");
            }
        }
        buf.rewind();
        buf.limit(n * f.type().size);
        return switch (f.type()) {
            case FLOAT -> OnnxTensor.createTensor(env, buf.asFloatBuffer(), dims);
            case DOUBLE -> OnnxTensor.createTensor(env, buf.asDoubleBuffer(), dims);
            case FLOAT16 -> OnnxTensor.createTensor(env, buf.asShortBuffer(), dims, OnnxJavaType.FLOAT16);
            case INT16 -> OnnxTensor.createTensor(env, buf.asShortBuffer(), dims);
            case INT32 -> OnnxTensor.createTensor(env, buf.asIntBuffer(), dims);
            case INT64 -> OnnxTensor.createTensor(env, buf.asLongBuffer(), dims);
            default -> OnnxTensor.createTensor(env, buf, dims, f.type());
        };
    }

    /** IEEE 754 half precision of {@code v}, rounded to nearest (overflow to infinity, tiny values to zero). */
    static short toHalf(float v) {
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mantissa = bits & 0x7fffff;
        if (((bits >>> 23) & 0xff) == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        if (exp >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (exp <= 0) {
            if (exp < -10) {
                return (short) sign;
            }
            mantissa = (mantissa | 0x800000) >> (1 - exp);
            return (short) (sign | ((mantissa + 0x1000) >> 13));
        }
        return (short) (sign + ((exp << 10) | (mantissa >> 13)) + ((mantissa >> 12) & 1));
    }
}
