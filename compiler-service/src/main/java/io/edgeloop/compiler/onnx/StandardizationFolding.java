package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;

/**
 * Folds an input standardization {@code Sub(x, mean) -> Div(std)} that feeds a Gemm (or an unpadded Conv) into that
 * layer's weights and bias, where this is exact: {@code W'[., i] = W[., i] / std[i]}, {@code b' = b - W' * mean}. The
 * quantized model then quantizes the raw input instead of the standardized one, so {@link #fold} only folds when the
 * raw features share one scale well enough for a single per-tensor input scale ({@link #shouldFold}).
 */
public final class StandardizationFolding {
    /** Largest resolution loss (raw per-tensor step over standardized step, for the worst feature) accepted. */
    static final double MAX_SPREAD = 2.0;

    /** Standardized values assumed to span about +-4. */
    private static final double SIGMAS = 4.0;

    private StandardizationFolding() {}

    /** The pattern found in a graph: the Sub, the Div, the layer they feed and the statistics. */
    record Match(NodeProto sub, NodeProto div, NodeProto layer, float[] mean, float[] std) {}

    /** {@code m} with the input standardization folded into the first layer, or {@code m} when it cannot be exact. */
    public static OnnxMl.ModelProto foldExact(OnnxMl.ModelProto m) {
        Match match = match(m.getGraph());
        return match == null ? m : apply(m, match);
    }

    /** {@link #foldExact} when {@link #shouldFold} says a per-tensor quantized raw input keeps its resolution. */
    public static OnnxMl.ModelProto fold(OnnxMl.ModelProto m) {
        Match match = match(m.getGraph());
        return match == null || !shouldFold(match.mean, match.std) ? m : apply(m, match);
    }

    /**
     * Whether one int8 scale over the raw input (about {@code mean +- 4 std} of every feature) is at most
     * {@link #MAX_SPREAD} times coarser, for the narrowest feature, than the scale of the standardized input.
     */
    static boolean shouldFold(float[] mean, float[] std) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double minStd = Double.POSITIVE_INFINITY;
        for (int i = 0; i < mean.length; i++) {
            double s = std[std.length == 1 ? 0 : i];
            if (!(s > 0) || !Double.isFinite(s) || !Double.isFinite(mean[i])) {
                return false;
            }
            lo = Math.min(lo, Math.min(0, mean[i] - SIGMAS * s));
            hi = Math.max(hi, Math.max(0, mean[i] + SIGMAS * s));
            minStd = Math.min(minStd, s);
        }
        return (hi - lo) / (2 * SIGMAS * minStd) <= MAX_SPREAD;
    }

    static Match match(OnnxMl.GraphProto g) {
        Map<String, TensorProto> init = StaticQuantizer.initializers(g);
        Map<String, List<StaticQuantizer.NodeUse>> consumers = StaticQuantizer.consumers(g);
        for (NodeProto sub : g.getNodeList()) {
            if (!sub.getOpType().equals("Sub")
                    || !sub.getDomain().isEmpty()
                    || sub.getInputCount() != 2
                    || StaticQuantizer.isProcessing(sub)) {
                continue;
            }
            NodeProto div = single(consumers, sub.getOutput(0));
            TensorProto meanT = init.get(sub.getInput(1));
            if (div == null
                    || !div.getOpType().equals("Div")
                    || !div.getInput(0).equals(sub.getOutput(0))
                    || meanT == null
                    || init.containsKey(sub.getInput(0))
                    || !(g.getInputList().stream().anyMatch(v -> v.getName().equals(sub.getInput(0))))) {
                continue;
            }
            TensorProto stdT = init.get(div.getInput(1));
            NodeProto layer = single(consumers, div.getOutput(0));
            if (stdT == null
                    || layer == null
                    || !layer.getInput(0).equals(div.getOutput(0))
                    || meanT.getDataType() != Tensors.FLOAT
                    || stdT.getDataType() != Tensors.FLOAT
                    || !StaticQuantizer.quantizable(layer, init)
                    || layer.getInputCount() < 3
                    || !init.containsKey(layer.getInput(2))
                    || init.get(layer.getInput(2)).getDataType() != Tensors.FLOAT
                    || isOutput(g, sub.getOutput(0))
                    || isOutput(g, div.getOutput(0))
                    || consumers.getOrDefault(layer.getInput(1), List.of()).size() != 1
                    || consumers.getOrDefault(layer.getInput(2), List.of()).size() != 1) {
                continue;
            }
            float[] mean = Tensors.floats(meanT);
            float[] std = Tensors.floats(stdT);
            int in = inputChannels(layer, init.get(layer.getInput(1)));
            if (in < 0 || mean.length != in || std.length != in || !statShapeFits(layer, meanT, stdT)) {
                continue;
            }
            for (float s : std) {
                if (!(s != 0) || !Float.isFinite(s)) {
                    return null;
                }
            }
            return new Match(sub, div, layer, mean, std);
        }
        return null;
    }

    private static boolean isOutput(OnnxMl.GraphProto g, String t) {
        return g.getOutputList().stream().anyMatch(o -> o.getName().equals(t));
    }

    private static NodeProto single(Map<String, List<StaticQuantizer.NodeUse>> consumers, String t) {
        List<StaticQuantizer.NodeUse> uses = consumers.getOrDefault(t, List.of());
        return uses.size() == 1 ? uses.get(0).node() : null;
    }

    /** Input channels the statistics must have, or -1 when folding into {@code layer} is not exact. */
    private static int inputChannels(NodeProto layer, TensorProto w) {
        if (layer.getOpType().equals("Gemm")) {
            return (int) w.getDims(StaticQuantizer.weightAxis(layer) == 0 ? 1 : 0);
        }
        if (!layer.getOpType().equals("Conv") || Tensors.intAttr(layer, "group", 1) != 1) {
            return -1;
        }
        String autoPad = Tensors.stringAttr(layer, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            return -1; // SAME_* pads with zeros of the standardized input
        }
        long[] pads = Tensors.intsAttr(layer, "pads");
        if (pads != null) {
            for (long p : pads) {
                if (p != 0) {
                    return -1;
                }
            }
        }
        return (int) w.getDims(1);
    }

    /** Gemm statistics are [in] (or [1, in]); Conv statistics [C, 1, ...] broadcast over the spatial axes. */
    private static boolean statShapeFits(NodeProto layer, TensorProto mean, TensorProto std) {
        for (TensorProto t : List.of(mean, std)) {
            long[] d = Tensors.dims(t);
            if (layer.getOpType().equals("Gemm")) {
                if (!(d.length == 1 || (d.length == 2 && d[0] == 1))) {
                    return false;
                }
            } else {
                for (int i = 1; i < d.length; i++) {
                    if (d[i] != 1) {
                        return false;
                    }
                }
                if (d.length < 2) {
                    return false;
                }
            }
        }
        return true;
    }

    static OnnxMl.ModelProto apply(OnnxMl.ModelProto m, Match match) {
        OnnxMl.GraphProto g = m.getGraph();
        Map<String, TensorProto> init = StaticQuantizer.initializers(g);
        NodeProto layer = match.layer;
        TensorProto wT = init.get(layer.getInput(1));
        TensorProto bT = init.get(layer.getInput(2));
        long[] dims = Tensors.dims(wT);
        float[] w = Tensors.floats(wT);
        float[] b = Tensors.floats(bT);
        int outAxis = StaticQuantizer.weightAxis(layer);
        int outs = (int) dims[outAxis];
        int ins = match.mean.length;
        long inner = 1; // Conv kernel positions
        for (int i = 2; i < dims.length && layer.getOpType().equals("Conv"); i++) {
            inner *= dims[i];
        }
        float[] w2 = new float[w.length];
        double[] shift = new double[outs];
        for (int idx = 0; idx < w.length; idx++) {
            int o;
            int i;
            if (layer.getOpType().equals("Conv")) {
                o = (int) (idx / (ins * inner));
                i = (int) ((idx / inner) % ins);
            } else if (outAxis == 0) {
                o = idx / ins;
                i = idx % ins;
            } else {
                i = idx / outs;
                o = idx % outs;
            }
            double v = (double) w[idx] / match.std[i];
            w2[idx] = (float) v;
            shift[o] += v * match.mean[i];
        }
        float[] b2 = new float[outs];
        for (int o = 0; o < outs; o++) {
            b2[o] = (float) (b.length == 1 ? b[0] - shift[o] : b[o] - shift[o]);
        }
        if (b.length != outs && b.length != 1) {
            return m;
        }
        String input = match.sub.getInput(0);
        OnnxMl.GraphProto.Builder out = g.toBuilder().clearNode().clearInitializer();
        for (NodeProto n : g.getNodeList()) {
            if (n == match.sub || n == match.div) {
                continue;
            }
            if (n == layer) {
                out.addNode(n.toBuilder().setInput(0, input));
            } else {
                out.addNode(n);
            }
        }
        String meanName = match.sub.getInput(1);
        String stdName = match.div.getInput(1);
        for (TensorProto t : g.getInitializerList()) {
            if (t == wT) {
                out.addInitializer(Tensors.floatTensor(t.getName(), dims, w2));
            } else if (t == bT) {
                out.addInitializer(Tensors.floatTensor(t.getName(), new long[] {outs}, b2));
            } else if (!t.getName().equals(meanName) && !t.getName().equals(stdName) || stillUsed(out, t.getName())) {
                out.addInitializer(t);
            }
        }
        List<OnnxMl.ValueInfoProto> inputs = out.getInputList().stream()
                .filter(v ->
                        !(v.getName().equals(meanName) || v.getName().equals(stdName)) || stillUsed(out, v.getName()))
                .toList();
        out.clearInput().addAllInput(inputs);
        return m.toBuilder().setGraph(out).build();
    }

    private static boolean stillUsed(OnnxMl.GraphProto.Builder g, String t) {
        return g.getNodeList().stream().anyMatch(n -> n.getInputList().contains(t));
    }
}
