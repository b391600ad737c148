package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a graph in node order and infers every tensor's element type and shape for a batch of one (symbolic
 * dimensions are taken as 1), counting the multiply-accumulates of the linear operators. Supports the operators of
 * the trainer's MLP, CNN and GRU exports and of its processing blocks (impulses: Reduce*, Concat, Gather, Log; see
 * {@link ShapeRules}), recurrent layers (RNN, GRU, LSTM), their quantized (QDQ and dynamic) forms and common shape
 * operators; outputs of other operators get an unknown type and shape, so figures that depend on them are lower
 * bounds. Inconsistencies that make a graph invalid (a Gemm whose K does not match, non-broadcastable operands, a
 * DequantizeLinear whose zero point type differs from its input) are collected as errors.
 */
public final class ShapeInference {
    /** Type and shape of one tensor; {@code shape} null when unknown, {@code elemType} 0 when unknown. */
    public record Info(int elemType, long[] shape) {
        /** Elements in the tensor, or -1 when its shape is unknown. */
        public long count() {
            return shape == null ? -1 : Tensors.count(shape);
        }

        /** Bytes of the tensor with {@code elementBytes} per element (0 when the shape is unknown). */
        public long bytes(int elementBytes) {
            return shape == null ? 0 : Tensors.count(shape) * elementBytes;
        }
    }

    /**
     * Result of inference.
     *
     * @param tensors every tensor name (inputs, initializers, node outputs) to its inferred info
     * @param nodeMacs multiply-accumulates of each node (index = node position)
     * @param errors inconsistencies found
     */
    public record Result(Map<String, Info> tensors, long[] nodeMacs, List<String> errors) {
        /** Total multiply-accumulates for one sample. */
        public long macs() {
            return Arrays.stream(nodeMacs).sum();
        }
    }

    /** The finding for a node whose inputs, shapes or attributes do not fit its operator at all. */
    static final String MALFORMED =
            "malformed: a required input is missing, or a shape or attribute is out of range for the operator";

    private final Map<String, Info> tensors = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final List<String> errors = new ArrayList<>();

    private ShapeInference() {}

    /** Infers the shapes of {@code graph} for a batch of one. */
    public static Result infer(OnnxMl.GraphProto graph) {
        ShapeInference s = new ShapeInference();
        for (TensorProto t : graph.getInitializerList()) {
            s.initializers.put(t.getName(), t);
            s.tensors.put(t.getName(), new Info(t.getDataType(), Tensors.dims(t)));
        }
        for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
            if (!s.initializers.containsKey(v.getName())) {
                s.tensors.put(v.getName(), fromValueInfo(v));
            }
        }
        long[] macs = new long[graph.getNodeCount()];
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            try {
                macs[i] = s.node(n);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // the checks' own findings: their messages name the problem
                s.errors.add("node " + describe(n) + ": " + e.getMessage());
                s.undetermined(n);
            } catch (RuntimeException e) {
                // anything else (a missing input, an index out of range) is a malformed node, whose exception
                // message would only name this code's internals
                s.errors.add("node " + describe(n) + ": " + MALFORMED);
                s.undetermined(n);
            }
        }
        return new Result(Map.copyOf(s.tensors), macs, List.copyOf(s.errors));
    }

    /** Marks the outputs of a node that could not be inferred as of unknown type and shape. */
    private void undetermined(NodeProto n) {
        for (String o : n.getOutputList()) {
            tensors.putIfAbsent(o, new Info(0, null));
        }
    }

    static String describe(NodeProto n) {
        return (n.getName().isEmpty() ? "" : "'" + n.getName() + "' ") + "(" + n.getOpType() + ")";
    }

    /** Type and shape declared by a value info (symbolic or missing dimensions as 1). */
    static Info fromValueInfo(OnnxMl.ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return new Info(0, null);
        }
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        if (!t.hasShape()) {
            return new Info(t.getElemType(), null);
        }
        long[] shape = new long[t.getShape().getDimCount()];
        for (int i = 0; i < shape.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : 1;
        }
        return new Info(t.getElemType(), shape);
    }

    private Info in(NodeProto n, int i) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
            return null;
        }
        Info info = tensors.get(n.getInput(i));
        if (info == null) {
            throw new IllegalStateException("input '" + n.getInput(i) + "' is not defined before use");
        }
        return info;
    }

    private void out(NodeProto n, int i, int type, long[] shape) {
        if (i < n.getOutputCount() && !n.getOutput(i).isEmpty()) {
            tensors.put(n.getOutput(i), new Info(type, shape));
        }
    }

    /** Infers the outputs of {@code n}; returns its MACs. */
    private long node(NodeProto n) {
        for (int i = 0; i < n.getInputCount(); i++) {
            in(n, i); // every input defined
        }
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            unknown(n);
            return 0;
        }
        Info x = in(n, 0);
        switch (n.getOpType()) {
            case "Identity",
                    "Relu",
                    "Sigmoid",
                    "Tanh",
                    "Softmax",
                    "LogSoftmax",
                    "LeakyRelu",
                    "Clip",
                    "Dropout",
                    "Sqrt",
                    "Log",
                    "Exp",
                    "Neg",
                    "Abs",
                    "Erf",
                    "HardSigmoid",
                    "BatchNormalization",
                    "LRN",
                    "InstanceNormalization" -> out(n, 0, x.elemType(), x.shape());
            case "Cast" -> out(n, 0, (int) Tensors.intAttr(n, "to", 0), x.shape());
            case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min" -> {
                Info y = in(n, 1);
                checkSameType(n, x, y);
                out(n, 0, x.elemType(), broadcast(x.shape(), y == null ? null : y.shape()));
            }
            case "MatMul", "MatMulInteger" -> {
                Info b = in(n, 1);
                if (n.getOpType().equals("MatMul")) {
                    checkSameType(n, x, b);
                }
                long[] s = matmul(x.shape(), b.shape());
                out(n, 0, n.getOpType().equals("MatMul") ? x.elemType() : Tensors.INT32, s);
                return s == null ? 0 : Tensors.count(s) * x.shape()[x.shape().length - 1];
            }
            case "Gemm" -> {
                Info b = in(n, 1);
                checkSameType(n, x, b);
                if (x.shape() == null || b.shape() == null) {
                    out(n, 0, x.elemType(), null);
                    return 0;
                }
                if (x.shape().length != 2 || b.shape().length != 2) {
                    throw new IllegalArgumentException("Gemm needs rank-2 A and B, got " + Arrays.toString(x.shape())
                            + " and " + Arrays.toString(b.shape()));
                }
                boolean ta = Tensors.intAttr(n, "transA", 0) != 0;
                boolean tb = Tensors.intAttr(n, "transB", 0) != 0;
                long m = ta ? x.shape()[1] : x.shape()[0];
                long k = ta ? x.shape()[0] : x.shape()[1];
                long kb = tb ? b.shape()[1] : b.shape()[0];
                long nn = tb ? b.shape()[0] : b.shape()[1];
                if (k != kb) {
                    throw new IllegalArgumentException(
                            "Gemm inner dimensions differ: A has K=" + k + ", B has K=" + kb);
                }
                Info c = in(n, 2);
                if (c != null && c.shape() != null) {
                    broadcast(new long[] {m, nn}, c.shape());
                }
                out(n, 0, x.elemType(), new long[] {m, nn});
                return m * nn * k;
            }
            case "Conv", "ConvInteger" -> {
                Info w = in(n, 1);
                if (x.shape() == null || w.shape() == null) {
                    out(n, 0, n.getOpType().equals("Conv") ? x.elemType() : Tensors.INT32, null);
                    return 0;
                }
                long group = Tensors.intAttr(n, "group", 1);
                if (x.shape().length != w.shape().length || x.shape().length < 3) {
                    throw new IllegalArgumentException("Conv input " + Arrays.toString(x.shape()) + " and weight "
                            + Arrays.toString(w.shape()) + " ranks differ or are below 3");
                }
                if (x.shape()[1] != w.shape()[1] * group) {
                    throw new IllegalArgumentException(
                            "Conv input has " + x.shape()[1] + " channels, weight expects " + w.shape()[1] * group);
                }
                long[] s = pooled(n, x.shape(), Arrays.copyOfRange(w.shape(), 2, w.shape().length));
                s[1] = w.shape()[0];
                out(n, 0, n.getOpType().equals("Conv") ? x.elemType() : Tensors.INT32, s);
                long kernel = Tensors.count(Arrays.copyOfRange(w.shape(), 1, w.shape().length));
                return Tensors.count(s) * kernel;
            }
            case "MaxPool", "AveragePool" -> {
                long[] k = Tensors.intsAttr(n, "kernel_shape");
                out(n, 0, x.elemType(), x.shape() == null || k == null ? null : pooled(n, x.shape(), k));
            }
            case "GlobalAveragePool", "GlobalMaxPool" -> {
                long[] s = x.shape() == null ? null : x.shape().clone();
                if (s != null) {
                    Arrays.fill(s, 2, s.length, 1);
                }
                out(n, 0, x.elemType(), s);
            }
            case "Flatten" -> {
                if (x.shape() == null) {
                    out(n, 0, x.elemType(), null);
                } else {
                    int axis = (int) Tensors.intAttr(n, "axis", 1);
                    axis = axis < 0 ? axis + x.shape().length : axis;
                    out(n, 0, x.elemType(), new long[] {
                        Tensors.count(Arrays.copyOfRange(x.shape(), 0, axis)),
                        Tensors.count(Arrays.copyOfRange(x.shape(), axis, x.shape().length))
                    });
                }
            }
            case "Reshape" -> out(n, 0, x.elemType(), reshape(x.shape(), constant(n, 1)));
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL2", "ReduceSumSquare" ->
                out(n, 0, x.elemType(), ShapeRules.reduce(n, x.shape(), n.getInputCount() > 1, constant(n, 1)));
            case "Concat" -> {
                List<long[]> shapes = new ArrayList<>();
                for (int i = 0; i < n.getInputCount(); i++) {
                    shapes.add(in(n, i).shape());
                }
                out(n, 0, x.elemType(), ShapeRules.concat(n, shapes));
            }
            case "Gather" -> {
                Info indices = in(n, 1);
                out(n, 0, x.elemType(), ShapeRules.gather(n, x.shape(), indices == null ? null : indices.shape()));
            }
            case "Transpose" -> {
                long[] perm = Tensors.intsAttr(n, "perm");
                long[] s = null;
                if (x.shape() != null) {
                    s = new long[x.shape().length];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = x.shape()[perm == null ? s.length - 1 - i : (int) perm[i]];
                    }
                }
                out(n, 0, x.elemType(), s);
            }
            case "RNN", "GRU", "LSTM" -> {
                Info w = in(n, 1);
                long[][] s = ShapeRules.recurrent(n, x.shape(), w == null ? null : w.shape());
                for (int i = 0; i < n.getOutputCount(); i++) {
                    out(n, i, x.elemType(), s == null ? null : s[Math.min(i, 2)]);
                }
                return s == null ? 0 : ShapeRules.recurrentMacs(n, s[0], w.shape());
            }
            case "QuantizeLinear" -> {
                Info scale = in(n, 1);
                Info zp = in(n, 2);
                checkQuantParams(n, x, scale, zp);
                out(n, 0, zp == null ? Tensors.UINT8 : zp.elemType(), x.shape());
            }
            case "DequantizeLinear" -> {
                Info scale = in(n, 1);
                Info zp = in(n, 2);
                if (zp != null && zp.elemType() != x.elemType()) {
                    throw new IllegalArgumentException("DequantizeLinear input is type " + x.elemType()
                            + " but its zero point is type " + zp.elemType());
                }
                checkQuantParams(n, x, scale, zp);
                out(n, 0, Tensors.FLOAT, x.shape());
            }
            case "DynamicQuantizeLinear" -> {
                out(n, 0, Tensors.UINT8, x.shape());
                out(n, 1, Tensors.FLOAT, new long[0]);
                out(n, 2, Tensors.UINT8, new long[0]);
            }
            default -> unknown(n);
        }
        return 0;
    }

    private void unknown(NodeProto n) {
        for (int i = 0; i < n.getOutputCount(); i++) {
            out(n, i, 0, null);
        }
    }

    private static void checkSameType(NodeProto n, Info a, Info b) {
        if (a != null && b != null && a.elemType() != 0 && b.elemType() != 0 && a.elemType() != b.elemType()) {
            throw new IllegalArgumentException(
                    "operands have different element types " + a.elemType() + " and " + b.elemType());
        }
    }

    private static void checkQuantParams(NodeProto n, Info x, Info scale, Info zp) {
        if (scale == null) {
            throw new IllegalArgumentException("the scale input is required");
        }
        if (scale.elemType() != 0 && scale.elemType() != Tensors.FLOAT) {
            throw new IllegalArgumentException("the scale must be FLOAT");
        }
        if (scale.shape() != null && scale.shape().length > 1) {
            throw new IllegalArgumentException("the scale must be a scalar or 1-D");
        }
        if (zp != null && scale.shape() != null && zp.shape() != null && !Arrays.equals(scale.shape(), zp.shape())) {
            throw new IllegalArgumentException("scale " + Arrays.toString(scale.shape()) + " and zero point "
                    + Arrays.toString(zp.shape()) + " shapes differ");
        }
        if (scale.shape() != null && scale.shape().length == 1 && x.shape() != null) {
            int axis = (int) Tensors.intAttr(n, "axis", 1);
            axis = axis < 0 ? axis + x.shape().length : axis;
            if (axis >= x.shape().length || x.shape()[axis] != scale.shape()[0]) {
                throw new IllegalArgumentException("per-axis scale of length " + scale.shape()[0]
                        + " does not match axis " + axis + " of " + Arrays.toString(x.shape()));
            }
        }
    }

    private long[] constant(NodeProto n, int i) {
        if (i >= n.getInputCount()) {
            return null;
        }
        TensorProto t = initializers.get(n.getInput(i));
        return t == null || t.getDataType() != Tensors.INT64 ? null : Tensors.longs(t);
    }

    /** numpy broadcasting; null when either shape is unknown. */
    static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        int r = Math.max(a.length, b.length);
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(
                        "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            s[i] = Math.max(da, db);
        }
        return s;
    }

    private static long[] matmul(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        if (a.length < 1 || b.length < 1) {
            throw new IllegalArgumentException("MatMul operands must have rank >= 1");
        }
        long[] aa = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] bb = b.length == 1 ? new long[] {b[0], 1} : b;
        long k = aa[aa.length - 1];
        if (k != bb[bb.length - 2]) {
            throw new IllegalArgumentException(
                    "MatMul inner dimensions differ: " + Arrays.toString(a) + " x " + Arrays.toString(b));
        }
        long[] batch = broadcast(Arrays.copyOfRange(aa, 0, aa.length - 2), Arrays.copyOfRange(bb, 0, bb.length - 2));
        List<Long> s = new ArrayList<>();
        for (long d : batch) {
            s.add(d);
        }
        if (a.length > 1) {
            s.add(aa[aa.length - 2]);
        }
        if (b.length > 1) {
            s.add(bb[bb.length - 1]);
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /** Output shape of a sliding window (Conv, pooling) over the spatial dims of {@code x}. */
    private static long[] pooled(NodeProto n, long[] x, long[] kernel) {
        int spatial = x.length - 2;
        if (kernel.length != spatial) {
            throw new IllegalArgumentException(
                    "kernel " + Arrays.toString(kernel) + " does not match input " + Arrays.toString(x));
        }
        long[] strides = orOnes(Tensors.intsAttr(n, "strides"), spatial);
        long[] dil = orOnes(Tensors.intsAttr(n, "dilations"), spatial);
        long[] pads = Tensors.intsAttr(n, "pads");
        String autoPad = Tensors.stringAttr(n, "auto_pad", "NOTSET");
        boolean ceil = Tensors.intAttr(n, "ceil_mode", 0) != 0;
        long[] s = x.clone();
        for (int i = 0; i < spatial; i++) {
            long in = x[i + 2];
            long k = (kernel[i] - 1) * dil[i] + 1;
            long o;
            if (autoPad.startsWith("SAME")) {
                o = (in + strides[i] - 1) / strides[i];
            } else {
                long pad = pads == null ? 0 : pads[i] + pads[i + spatial];
                long span = in + pad - k;
                if (span < 0) {
                    throw new IllegalArgumentException(
                            "kernel " + k + " is larger than the padded input " + (in + pad));
                }
                o = (ceil ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1;
            }
            s[i + 2] = o;
        }
        return s;
    }

    private static long[] orOnes(long[] v, int n) {
        if (v != null && v.length == n) {
            return v;
        }
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    private static long[] reshape(long[] x, long[] target) {
        if (x == null || target == null) {
            return null;
        }
        long[] s = target.clone();
        long known = 1;
        int infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                s[i] = x[i];
            }
            if (s[i] == -1) {
                infer = i;
            } else {
                known *= s[i];
            }
        }
        long total = Tensors.count(x);
        if (infer >= 0) {
            s[infer] = total / Math.max(1, known);
        }
        if (Tensors.count(s) != total) {
            throw new IllegalArgumentException(
                    "cannot reshape " + Arrays.toString(x) + " to " + Arrays.toString(target));
        }
        return s;
    }
}
