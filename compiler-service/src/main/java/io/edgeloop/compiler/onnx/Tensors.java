package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Reading and building ONNX tensors and attributes (little-endian {@code raw_data}, as ONNX specifies). */
public final class Tensors {
    /** ONNX element type codes used here. */
    public static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();

    public static final int UINT8 = TensorProto.DataType.UINT8.getNumber();
    public static final int INT8 = TensorProto.DataType.INT8.getNumber();
    public static final int INT32 = TensorProto.DataType.INT32.getNumber();
    public static final int INT64 = TensorProto.DataType.INT64.getNumber();

    private Tensors() {}

    /** Bytes per element of an ONNX element type; 0 when unknown or variable (strings). */
    public static int elementSize(int dataType) {
        return switch (TensorProto.DataType.forNumber(dataType) == null
                ? TensorProto.DataType.UNDEFINED
                : TensorProto.DataType.forNumber(dataType)) {
            case FLOAT, INT32, UINT32 -> 4;
            case UINT8, INT8, BOOL -> 1;
            case INT16, UINT16, FLOAT16, BFLOAT16 -> 2;
            case INT64, UINT64, DOUBLE, COMPLEX64 -> 8;
            case COMPLEX128 -> 16;
            default -> 0;
        };
    }

    /** Dimensions of a tensor. */
    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Product of dimensions (1 for a scalar). */
    public static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Number of values actually stored in a tensor, or -1 when its storage field does not match its type. */
    public static long storedCount(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return -1;
        }
        int size = elementSize(t.getDataType());
        if (!t.getRawData().isEmpty()) {
            return size == 0 || t.getRawData().size() % size != 0
                    ? -1
                    : t.getRawData().size() / size;
        }
        TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
        if (type == null) {
            return -1;
        }
        return switch (type) {
            case FLOAT, COMPLEX64 -> t.getFloatDataCount();
            case INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16 -> t.getInt32DataCount();
            case INT64 -> t.getInt64DataCount();
            case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> t.getStringDataCount();
            default -> -1;
        };
    }

    /** The values of a FLOAT tensor. */
    public static float[] floats(TensorProto t) {
        if (t.getDataType() != FLOAT) {
            throw new IllegalArgumentException("tensor " + t.getName() + " is not FLOAT");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return v;
        }
        float[] v = new float[t.getFloatDataCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFloatData(i);
        }
        return v;
    }

    /** The values of an INT64 tensor (e.g. a Reshape shape). */
    public static long[] longs(TensorProto t) {
        if (t.getDataType() != INT64) {
            throw new IllegalArgumentException("tensor " + t.getName() + " is not INT64");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] v = new long[b.remaining() / 8];
            b.asLongBuffer().get(v);
            return v;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The values of an INT8 or UINT8 tensor as stored bytes. */
    public static byte[] bytes(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            return t.getRawData().toByteArray();
        }
        byte[] v = new byte[t.getInt32DataCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) t.getInt32Data(i);
        }
        return v;
    }

    /** The values of an INT32 tensor. */
    public static int[] ints(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int[] v = new int[b.remaining() / 4];
            b.asIntBuffer().get(v);
            return v;
        }
        return t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
    }

    /** A FLOAT tensor. */
    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return tensor(name, dims, FLOAT, b.array());
    }

    /** An INT8 or UINT8 tensor. */
    public static TensorProto byteTensor(String name, long[] dims, int dataType, byte[] values) {
        return tensor(name, dims, dataType, values);
    }

    /** An INT32 tensor. */
    public static TensorProto intTensor(String name, long[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return tensor(name, dims, INT32, b.array());
    }

    private static TensorProto tensor(String name, long[] dims, int dataType, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(raw)).build();
    }

    /** The integer attribute {@code name} of a node, or {@code dflt}. */
    public static long intAttr(OnnxMl.NodeProto n, String name, long dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    /** The float attribute {@code name} of a node, or {@code dflt}. */
    public static float floatAttr(OnnxMl.NodeProto n, String name, float dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return dflt;
    }

    /** The integer list attribute {@code name} of a node, or null. */
    public static long[] intsAttr(OnnxMl.NodeProto n, String name) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    /** The string attribute {@code name} of a node, or {@code dflt}. */
    public static String stringAttr(OnnxMl.NodeProto n, String name, String dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getS().toStringUtf8();
            }
        }
        return dflt;
    }

    /** An INT attribute. */
    public static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** A node in the default domain. */
    public static OnnxMl.NodeProto node(
            String op, String name, List<String> inputs, List<String> outputs, OnnxMl.AttributeProto... attrs) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder()
                .setOpType(op)
                .setName(name)
                .addAllInput(inputs)
                .addAllOutput(outputs);
        for (OnnxMl.AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    /** The default-domain opset a model imports, or 0 when it imports none. */
    public static long defaultOpset(OnnxMl.ModelProto m) {
        for (OnnxMl.OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return 0;
    }
}
