package io.edgeloop.agent.domain;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/** Converts {@link Tensor}s to ONNX Runtime tensors and back, and to and from little-endian raw bytes. */
public final class TensorCodec {
    private TensorCodec() {}

    /** An ONNX Runtime tensor holding a copy of {@code t} (in a new direct buffer). */
    public static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
        return toOrt(env, t, InputBuffers.fresh(t.size() * t.datatype().bytes()));
    }

    /**
     * An ONNX Runtime tensor over {@code target}, a native-order direct buffer of exactly the tensor's bytes, into
     * which {@code t}'s elements are written: ONNX Runtime uses it without another copy, so {@code target} must not
     * change until the tensor is closed.
     */
    static OnnxTensor toOrt(OrtEnvironment env, Tensor t, ByteBuffer target) throws OrtException {
        long[] shape = t.shape();
        Object d = t.data();
        return switch (t.datatype()) {
            case FP32 -> {
                FloatBuffer f = target.asFloatBuffer().put((float[]) d);
                yield OnnxTensor.createTensor(env, f.flip(), shape);
            }
            case FP16 -> {
                ShortBuffer bits = target.asShortBuffer();
                for (float v : (float[]) d) {
                    bits.put(Fp16Conversions.floatToFp16(v));
                }
                yield OnnxTensor.createTensor(env, bits.flip(), shape, OnnxJavaType.FLOAT16);
            }
            case FP64 ->
                OnnxTensor.createTensor(
                        env, target.asDoubleBuffer().put((double[]) d).flip(), shape);
            case INT64 ->
                OnnxTensor.createTensor(
                        env, target.asLongBuffer().put((long[]) d).flip(), shape);
            case INT32 ->
                OnnxTensor.createTensor(env, target.asIntBuffer().put((int[]) d).flip(), shape);
            case INT16 ->
                OnnxTensor.createTensor(
                        env, target.asShortBuffer().put((short[]) d).flip(), shape);
            case INT8 -> OnnxTensor.createTensor(env, target.put((byte[]) d).flip(), shape, OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(env, target.put((byte[]) d).flip(), shape, OnnxJavaType.UINT8);
            case BOOL -> {
                for (boolean v : (boolean[]) d) {
                    target.put((byte) (v ? 1 : 0));
                }
                yield OnnxTensor.createTensor(env, target.flip(), shape, OnnxJavaType.BOOL);
            }
        };
    }

    /** A copy of an ONNX Runtime output tensor named {@code name}. */
    public static Tensor fromOrt(String name, DataType type, OnnxTensor t) {
        long[] shape = t.getInfo().getShape();
        Object data;
        switch (type) {
            case FP32 -> data = drain(t.getFloatBuffer());
            case FP16 -> {
                ShortBuffer bits = t.getShortBuffer();
                float[] f = new float[bits.remaining()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = Fp16Conversions.fp16ToFloat(bits.get());
                }
                data = f;
            }
            case FP64 -> {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] a = new double[b.remaining()];
                b.get(a);
                data = a;
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                long[] a = new long[b.remaining()];
                b.get(a);
                data = a;
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                int[] a = new int[b.remaining()];
                b.get(a);
                data = a;
            }
            case INT16 -> {
                ShortBuffer b = t.getShortBuffer();
                short[] a = new short[b.remaining()];
                b.get(a);
                data = a;
            }
            case INT8, UINT8 -> {
                ByteBuffer b = t.getByteBuffer();
                byte[] a = new byte[b.remaining()];
                b.get(a);
                data = a;
            }
            case BOOL -> {
                ByteBuffer b = t.getByteBuffer();
                boolean[] a = new boolean[b.remaining()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get() != 0;
                }
                data = a;
            }
            default -> throw new IllegalStateException("unsupported " + type);
        }
        return new Tensor(name, type, shape, data);
    }

    private static float[] drain(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    /** The elements of {@code t}, little-endian (KServe raw contents; BOOL one byte each, FP16 IEEE half bits). */
    public static byte[] toRaw(Tensor t) {
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocate(n * t.datatype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        Object d = t.data();
        switch (t.datatype()) {
            case FP32 -> b.asFloatBuffer().put((float[]) d);
            case FP16 -> {
                for (float v : (float[]) d) {
                    b.putShort(Fp16Conversions.floatToFp16(v));
                }
            }
            case FP64 -> b.asDoubleBuffer().put((double[]) d);
            case INT64 -> b.asLongBuffer().put((long[]) d);
            case INT32 -> b.asIntBuffer().put((int[]) d);
            case INT16 -> b.asShortBuffer().put((short[]) d);
            case INT8, UINT8 -> b.put((byte[]) d);
            case BOOL -> {
                for (boolean v : (boolean[]) d) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
        }
        return b.array();
    }

    /**
     * Decodes little-endian raw bytes into {@code type}'s array.
     *
     * @throws IllegalArgumentException when the byte count is not a multiple of the element size
     */
    public static Object fromRaw(DataType type, ByteBuffer raw) {
        ByteBuffer b = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % type.bytes() != 0) {
            throw new IllegalArgumentException(b.remaining() + " bytes are not a whole number of " + type
                    + " elements (" + type.bytes() + " bytes each)");
        }
        int n = b.remaining() / type.bytes();
        Object a = type.newArray(n);
        switch (type) {
            case FP32 -> b.asFloatBuffer().get((float[]) a);
            case FP16 -> {
                float[] f = (float[]) a;
                for (int i = 0; i < n; i++) {
                    f[i] = Fp16Conversions.fp16ToFloat(b.getShort());
                }
            }
            case FP64 -> b.asDoubleBuffer().get((double[]) a);
            case INT64 -> b.asLongBuffer().get((long[]) a);
            case INT32 -> b.asIntBuffer().get((int[]) a);
            case INT16 -> b.asShortBuffer().get((short[]) a);
            case INT8, UINT8 -> b.get((byte[]) a);
            case BOOL -> {
                boolean[] z = (boolean[]) a;
                for (int i = 0; i < n; i++) {
                    z[i] = b.get() != 0;
                }
            }
        }
        return a;
    }
}
