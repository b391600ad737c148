package io.edgeloop.training.impulse;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Adds a processing block's nodes and constants to an ONNX graph under construction; every node, initializer and
 * intermediate value it names starts with {@link #PREFIX}, so later tools (the compiler's quantizers) can tell the
 * processing block from the learning block.
 */
public final class ImpulseGraph {
    /** Prefix of every name a processing block adds to a graph. */
    public static final String PREFIX = "impulse/";

    private final GraphProto.Builder graph;

    /** Writes into {@code graph}. */
    public ImpulseGraph(GraphProto.Builder graph) {
        this.graph = graph;
    }

    /** Adds a float constant {@code impulse/<name>} and returns its full name. */
    public String constant(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        buf.flip();
        return add(name, TensorProto.DataType.FLOAT, ByteString.copyFrom(buf), dims);
    }

    /** Adds an int64 constant {@code impulse/<name>} and returns its full name. */
    public String constantInt64(String name, long[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        buf.flip();
        return add(name, TensorProto.DataType.INT64, ByteString.copyFrom(buf), dims);
    }

    private String add(String name, TensorProto.DataType type, ByteString data, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(PREFIX + name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t.setRawData(data));
        return PREFIX + name;
    }

    /**
     * Adds node {@code impulse/<name>} with one output, also named {@code impulse/<name>}, and returns that name.
     *
     * @param inputs full names of the inputs (graph values or earlier outputs)
     */
    public String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder()
                .setOpType(op)
                .setName(PREFIX + name)
                .addAllInput(inputs)
                .addOutput(PREFIX + name);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return PREFIX + name;
    }

    /** An INT attribute. */
    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** An INTS attribute. */
    public static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** The value info of a float tensor [N, ...{@code dims}] (a graph input or output with a free batch dimension). */
    public static OnnxMl.ValueInfoProto batchedFloat(String name, int[] dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
