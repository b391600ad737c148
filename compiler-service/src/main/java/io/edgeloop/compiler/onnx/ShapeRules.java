package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Output shapes of the reduction, concatenation and gather operators for {@link ShapeInference} (the operators of a
 * processing block at the front of an impulse model, among others), and of the recurrent operators (RNN, GRU, LSTM). Every method returns null when a shape it needs
 * is unknown and throws {@link IllegalArgumentException} for an inconsistent node.
 */
final class ShapeRules {
    private ShapeRules() {}

    /**
     * Shape of a Reduce* output: axes from the attribute (opset < 18) or from the constant second input (ReduceSum
     * from 13, every Reduce* from 18); no axes = all (unless {@code noop_with_empty_axes}); {@code keepdims} default 1.
     *
     * @param axesInput whether the node has a second input (axes computed in the graph)
     * @param constantAxes that input's value when it is a constant, else null
     */
    static long[] reduce(NodeProto n, long[] x, boolean axesInput, long[] constantAxes) {
        if (x == null) {
            return null;
        }
        long[] axes = Tensors.intsAttr(n, "axes");
        if (axes == null && axesInput) {
            if (constantAxes == null) {
                return null; // axes computed at run time
            }
            axes = constantAxes;
        }
        boolean keep = Tensors.intAttr(n, "keepdims", 1) != 0;
        boolean[] reduced = new boolean[x.length];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, Tensors.intAttr(n, "noop_with_empty_axes", 0) == 0);
        } else {
            for (long a : axes) {
                int axis = (int) (a < 0 ? a + x.length : a);
                if (axis < 0 || axis >= x.length) {
                    throw new IllegalArgumentException(n.getOpType() + " axis " + a + " is outside rank " + x.length);
                }
                reduced[axis] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!reduced[i]) {
                out.add(x[i]);
            } else if (keep) {
                out.add(1L);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Shape of a Concat output: the inputs' shapes summed along {@code axis}, equal elsewhere. */
    static long[] concat(NodeProto n, List<long[]> inputs) {
        if (inputs.isEmpty() || inputs.stream().anyMatch(s -> s == null)) {
            return null;
        }
        long[] first = inputs.get(0);
        long a = Tensors.intAttr(n, "axis", 0);
        int axis = (int) (a < 0 ? a + first.length : a);
        if (axis < 0 || axis >= first.length) {
            throw new IllegalArgumentException("Concat axis " + a + " is outside rank " + first.length);
        }
        long[] s = first.clone();
        for (long[] other : inputs.subList(1, inputs.size())) {
            if (other.length != s.length) {
                throw new IllegalArgumentException("Concat inputs differ in rank");
            }
            for (int d = 0; d < s.length; d++) {
                if (d != axis && other[d] != s[d]) {
                    throw new IllegalArgumentException("Concat inputs " + Arrays.toString(first) + " and "
                            + Arrays.toString(other) + " differ outside axis " + axis);
                }
            }
            s[axis] += other[axis];
        }
        return s;
    }

    /** Shape of a Gather output: {@code data[:axis] + indices + data[axis+1:]}. */
    static long[] gather(NodeProto n, long[] data, long[] indices) {
        if (data == null || indices == null) {
            return null;
        }
        long a = Tensors.intAttr(n, "axis", 0);
        int axis = (int) (a < 0 ? a + data.length : a);
        if (axis < 0 || axis >= data.length) {
            throw new IllegalArgumentException("Gather axis " + a + " is outside rank " + data.length);
        }
        long[] s = new long[data.length - 1 + indices.length];
        System.arraycopy(data, 0, s, 0, axis);
        System.arraycopy(indices, 0, s, axis, indices.length);
        System.arraycopy(data, axis + 1, s, axis + indices.length, data.length - axis - 1);
        return s;
    }

    /**
     * Shapes of a recurrent node's outputs (RNN, GRU, LSTM): {@code Y} [seq, dirs, batch, H] and {@code Y_h} (and
     * LSTM's {@code Y_c}) [dirs, batch, H], or with {@code layout=1} (opset 14+) [batch, seq, dirs, H] and [batch, dirs,
     * H]; null when the input or weight shape is unknown.
     *
     * @param x input [seq, batch, input] ([batch, seq, input] with layout 1)
     * @param w weight [dirs, gates * H, input]
     */
    static long[][] recurrent(NodeProto n, long[] x, long[] w) {
        if (x == null || w == null) {
            return null;
        }
        long hidden = Tensors.intAttr(n, "hidden_size", 0);
        long gates = recurrentGates(n);
        if (x.length != 3 || w.length != 3 || hidden < 1 || w[1] != gates * hidden || w[2] != x[2]) {
            throw new IllegalArgumentException(n.getOpType() + " input " + Arrays.toString(x) + ", weight "
                    + Arrays.toString(w) + " and hidden_size " + hidden + " do not fit");
        }
        boolean batchFirst = Tensors.intAttr(n, "layout", 0) != 0;
        long seq = batchFirst ? x[1] : x[0];
        long batch = batchFirst ? x[0] : x[1];
        long dirs = w[0];
        long[] y = batchFirst ? new long[] {batch, seq, dirs, hidden} : new long[] {seq, dirs, batch, hidden};
        long[] state = batchFirst ? new long[] {batch, dirs, hidden} : new long[] {dirs, batch, hidden};
        return new long[][] {y, state, state.clone()};
    }

    /** Multiply-accumulates of a recurrent node: every step, direction and gate multiplies input and state. */
    static long recurrentMacs(NodeProto n, long[] y, long[] w) {
        long hidden = w[1] / recurrentGates(n);
        return Tensors.count(y) / hidden * w[1] * (w[2] + hidden);
    }

    private static long recurrentGates(NodeProto n) {
        return switch (n.getOpType()) {
            case "GRU" -> 3;
            case "LSTM" -> 4;
            default -> 1;
        };
    }
}
