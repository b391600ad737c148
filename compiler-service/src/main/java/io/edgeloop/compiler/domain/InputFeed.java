package io.edgeloop.compiler.domain;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.Locale;

/**
 * One model input and how a validation run fills it: the feature input takes the samples' features (reshaped to
 * its dims), every other input is filled with {@code fill} (its declared default, or 0). Uses only the JDK and ONNX
 * Runtime (the isolated memory probe's child uses it too).
 *
 * @param name input name
 * @param type element type
 * @param shape dims; {@code -1} for a dynamic one (the batch dimension of the feature input takes the batch; any
 *     other dynamic dimension is 1, except the feature input's non-batch dims, which are resolved from the samples)
 * @param feature whether this input carries the samples' features
 * @param fill the value of every element of a non-feature input
 */
public record InputFeed(String name, OnnxJavaType type, long[] shape, boolean feature, double fill) {
    /** The dims of a run with {@code batch} samples: dynamic dim 0 is the batch, other dynamic dims 1. */
    public long[] dims(int batch) {
        long[] d = shape.clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] <= 0) {
                d[i] = i == 0 ? batch : 1;
            }
        }
        return d;
    }

    /** Values per sample (the product of the non-batch dims, dynamic ones counting 1). */
    public long perSample() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= Math.max(1, shape[i]);
        }
        return n;
    }

    /** {@code name:TYPE[d0,d1,...]}, e.g. {@code features:FP32[-1,8]}. */
    public String describe() {
        return name + ":" + kserveType(type) + Arrays.toString(shape).replace(" ", "");
    }

    /** The KServe v2 datatype of an ONNX Runtime element type ({@code BYTES} for strings and unknown types). */
    public static String kserveType(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "FP32";
            case DOUBLE -> "FP64";
            case FLOAT16 -> "FP16";
            case BFLOAT16 -> "BF16";
            case INT8 -> "INT8";
            case INT16 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case UINT8 -> "UINT8";
            case BOOL -> "BOOL";
            default -> "BYTES";
        };
    }

    /** Whether validation data can fill an input of {@code type} (numbers and booleans; not strings). */
    public static boolean fillable(OnnxJavaType type) {
        return type != OnnxJavaType.STRING && type != OnnxJavaType.UNKNOWN;
    }

    /** Whether {@code type} can carry the samples' float features. */
    public static boolean featureType(OnnxJavaType type) {
        return type == OnnxJavaType.FLOAT || type == OnnxJavaType.DOUBLE || type == OnnxJavaType.FLOAT16;
    }

    @Override
    public String toString() {
        return describe() + (feature ? " (features)" : String.format(Locale.ROOT, " (= %s)", fill));
    }
}
