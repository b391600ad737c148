package io.edgeloop.agent.domain;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Tensor element types the agent feeds to and reads from ONNX Runtime, named as in KServe v2 / the Open Inference
 * Protocol. Each has one Java array type that holds its elements in a {@link Tensor}: FP32 and FP16 {@code float[]},
 * FP64 {@code double[]}, INT64 {@code long[]}, INT32 {@code int[]}, INT16 {@code short[]}, INT8 and UINT8 {@code
 * byte[]} (UINT8 as unsigned bytes), BOOL {@code boolean[]}.
 */
public enum DataType {
    FP32(OnnxJavaType.FLOAT, 4, true),
    FP16(OnnxJavaType.FLOAT16, 2, true),
    FP64(OnnxJavaType.DOUBLE, 8, true),
    INT64(OnnxJavaType.INT64, 8, false),
    INT32(OnnxJavaType.INT32, 4, false),
    INT16(OnnxJavaType.INT16, 2, false),
    INT8(OnnxJavaType.INT8, 1, false),
    UINT8(OnnxJavaType.UINT8, 1, false),
    BOOL(OnnxJavaType.BOOL, 1, false);

    /** Every supported datatype's KServe name, as sent in the device capabilities. */
    public static final List<String> NAMES =
            Arrays.stream(values()).map(Enum::name).toList();

    private final OnnxJavaType ort;
    private final int bytes;
    private final boolean floating;

    DataType(OnnxJavaType ort, int bytes, boolean floating) {
        this.ort = ort;
        this.bytes = bytes;
        this.floating = floating;
    }

    /** ONNX Runtime's Java type. */
    public OnnxJavaType ort() {
        return ort;
    }

    /** Bytes per element in the raw (little-endian) encoding. */
    public int bytes() {
        return bytes;
    }

    /** Whether elements are floating point (and must be finite). */
    public boolean floating() {
        return floating;
    }

    /** The datatype of a KServe name (case-sensitive, as the protocol says). */
    public static Optional<DataType> named(String name) {
        for (DataType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The datatype of an ONNX Runtime Java type, if the agent supports it. */
    public static Optional<DataType> of(OnnxJavaType type) {
        for (DataType t : values()) {
            if (t.ort == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** A zero-filled element array of this type. */
    public Object newArray(int n) {
        return switch (this) {
            case FP32, FP16 -> new float[n];
            case FP64 -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case INT16 -> new short[n];
            case INT8, UINT8 -> new byte[n];
            case BOOL -> new boolean[n];
        };
    }
}
