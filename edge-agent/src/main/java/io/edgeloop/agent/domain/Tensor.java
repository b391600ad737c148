package io.edgeloop.agent.domain;

import java.util.Arrays;

/**
 * A named tensor: datatype, shape and elements, row-major, in the Java array that {@link DataType} assigns to the
 * datatype (e.g. {@code float[]} for FP32, {@code long[]} for INT64). The array is not copied: do not change it after
 * handing it over.
 */
public record Tensor(String name, DataType datatype, long[] shape, Object data) {
    public Tensor {
        shape = shape.clone();
        Object expected = datatype.newArray(0);
        if (data == null || data.getClass() != expected.getClass()) {
            throw new IllegalArgumentException("tensor " + name + " of " + datatype + " needs a "
                    + expected.getClass().getSimpleName() + ", got "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
    }

    /** An FP32 tensor. */
    public static Tensor fp32(String name, long[] shape, float[] data) {
        return new Tensor(name, DataType.FP32, shape, data);
    }

    /** A tensor of {@code shape} whose every element is {@code value} (converted to the datatype). */
    public static Tensor filled(String name, DataType type, long[] shape, double value) {
        long n = elements(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "tensor " + name + " of shape " + Arrays.toString(shape) + " is too large");
        }
        Object data = type.newArray((int) n);
        if (value != 0) {
            for (int i = 0; i < n; i++) {
                set(type, data, i, value);
            }
        }
        return new Tensor(name, type, shape, data);
    }

    /** Elements a tensor of {@code shape} holds (product of the dimensions; 1 for a scalar). */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, Math.max(0, d));
        }
        return n;
    }

    /** Number of elements in {@link #data}. */
    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** Element {@code i} as a double (UINT8 unsigned, BOOL 1 or 0). */
    public double get(int i) {
        return switch (datatype) {
            case FP32, FP16 -> ((float[]) data)[i];
            case FP64 -> ((double[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case INT16 -> ((short[]) data)[i];
            case INT8 -> ((byte[]) data)[i];
            case UINT8 -> ((byte[]) data)[i] & 0xFF;
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
        };
    }

    /** Sets element {@code i} of a {@code type} array to {@code v} (cast; BOOL: non-zero is true). */
    public static void set(DataType type, Object array, int i, double v) {
        switch (type) {
            case FP32, FP16 -> ((float[]) array)[i] = (float) v;
            case FP64 -> ((double[]) array)[i] = v;
            case INT64 -> ((long[]) array)[i] = (long) v;
            case INT32 -> ((int[]) array)[i] = (int) v;
            case INT16 -> ((short[]) array)[i] = (short) v;
            case INT8, UINT8 -> ((byte[]) array)[i] = (byte) (long) v;
            case BOOL -> ((boolean[]) array)[i] = v != 0;
        }
    }

    /** Elements {@code [from, from + n)} as floats (feature statistics). */
    public float[] floats(int from, int n) {
        if (data instanceof float[] f) {
            return Arrays.copyOfRange(f, from, from + n);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) get(from + i);
        }
        return out;
    }

    /**
     * The elements as JSON writes them: the array itself, except INT8/UINT8 as {@code int[]} (a {@code byte[]} would
     * become base64).
     */
    public Object jsonData() {
        if (data instanceof byte[] b) {
            int[] out = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = datatype == DataType.UINT8 ? b[i] & 0xFF : b[i];
            }
            return out;
        }
        return data;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + datatype + Arrays.toString(shape);
    }
}
