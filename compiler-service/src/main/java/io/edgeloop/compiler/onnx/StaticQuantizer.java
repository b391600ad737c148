package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static int8 quantization in QDQ form (opset 13): weights of Gemm, MatMul and Conv become per-channel symmetric int8
 * initializers followed by DequantizeLinear (axis = output channel), biases int32 with scale {@code input_scale *
 * weight_scale} (computed by a Mul of the two stored scales rather than stored a third time: ONNX Runtime folds the
 * constant at load and still fuses), and calibrated activations get a QuantizeLinear/DequantizeLinear pair (uint8 or
 * int8, asymmetric). A ReLU that is the only consumer of a quantized operator's output is folded into that output's
 * quantization: its range starts at 0, so the zero point is the lowest quantized value and QuantizeLinear's clamp is
 * the ReLU (exactly; ONNX Runtime makes the same fusion at load, the file just stores it once).
 * An activation is quantized when it feeds a quantized operator's data input, or when every consumer is an operator
 * that works on quantized data (ReLU, pooling, Flatten, Reshape, a quantized operator). Outputs that feed
 * float-only operators (Softmax, the graph output) stay float, so a quantized Gemm there has a float output. ONNX
 * Runtime fuses the pattern into QGemm/QLinearConv/QLinearMatMul (and drops a ReLU whose output zero point is the
 * range minimum).
 */
public final class StaticQuantizer {
    /** Operators that run on quantized data when their input and output are quantized. */
    static final Set<String> PASS_THROUGH =
            Set.of("Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Squeeze", "Unsqueeze");

    /**
     * Name prefix of the nodes of a processing block (the trainer's impulses: DSP that turns raw windows into
     * features). They stay float: neither their constants nor the tensors they read or write are quantized or pruned,
     * and their node names survive {@link #compact}.
     */
    public static final String PROCESSING_PREFIX = "impulse/";

    /** Opset written (DequantizeLinear per-axis needs 13). */
    public static final long OPSET = 13;

    /**
     * A quantized model.
     *
     * @param model the QDQ model
     * @param quantizedNodes Gemm/MatMul/Conv nodes whose weights were quantized
     * @param quantizedActivations activations with a Q/DQ pair
     */
    public record Result(OnnxMl.ModelProto model, int quantizedNodes, int quantizedActivations) {}

    private StaticQuantizer() {}

    /** The activations that will be quantized, i.e. the tensors to calibrate. */
    public static Set<String> activationsToCalibrate(OnnxMl.ModelProto model) {
        return plan(model).activations();
    }

    /**
     * What {@link #quantize} does to a model, decided once.
     *
     * @param model the model with its input standardization folded where that is exact
     * @param activations the tensors that get a Q/DQ pair (calibrated)
     * @param foldedRelus ReLUs folded into the quantization of their input, by the pre-ReLU tensor
     */
    private record Plan(OnnxMl.ModelProto model, Set<String> activations, Map<String, NodeProto> foldedRelus) {}

    private static Plan plan(OnnxMl.ModelProto original) {
        OnnxMl.ModelProto m = StandardizationFolding.fold(original);
        OnnxMl.GraphProto g = m.getGraph();
        Map<String, TensorProto> init = initializers(g);
        ShapeInference.Result shapes = ShapeInference.infer(g);
        Map<String, List<NodeUse>> consumers = consumers(g);
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        Set<String> candidates = new LinkedHashSet<>();
        g.getInputList().forEach(v -> candidates.add(v.getName()));
        g.getNodeList().forEach(n -> candidates.addAll(n.getOutputList()));
        Set<String> processing = new HashSet<>();
        g.getNodeList().stream()
                .filter(StaticQuantizer::isProcessing)
                .forEach(n -> processing.addAll(n.getOutputList()));
        Set<String> chosen = new LinkedHashSet<>();
        for (String t : candidates) {
            if (t.isEmpty() || init.containsKey(t) || outputs.contains(t)) {
                continue;
            }
            ShapeInference.Info info = shapes.tensors().get(t);
            if (info == null || info.elemType() != Tensors.FLOAT) {
                continue;
            }
            List<NodeUse> uses = consumers.getOrDefault(t, List.of());
            if (processing.contains(t) || uses.stream().anyMatch(u -> isProcessing(u.node))) {
                continue; // the processing block's values stay float
            }
            boolean feedsQuantized = uses.stream().anyMatch(u -> u.input == 0 && quantizable(u.node, init));
            boolean allQuantizable = !uses.isEmpty()
                    && uses.stream()
                            .allMatch(u -> (u.input == 0 && quantizable(u.node, init))
                                    || (u.input == 0 && PASS_THROUGH.contains(u.node.getOpType())));
            if (feedsQuantized || allQuantizable) {
                chosen.add(t);
            }
        }
        Map<String, NodeProto> folded = foldedRelus(g, init, consumers, chosen, outputs);
        chosen.removeAll(folded.keySet());
        return new Plan(m, chosen, folded);
    }

    /**
     * ReLUs folded into the quantization of their input, by the pre-ReLU tensor: the ReLU is the only consumer of a
     * quantized operator's output (weights quantized, data input quantized) and its own output is quantized.
     */
    private static Map<String, NodeProto> foldedRelus(
            OnnxMl.GraphProto g,
            Map<String, TensorProto> init,
            Map<String, List<NodeUse>> consumers,
            Set<String> quantized,
            Set<String> outputs) {
        Map<String, NodeProto> producers = new HashMap<>();
        g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        Map<String, NodeProto> folded = new HashMap<>();
        for (NodeProto r : g.getNodeList()) {
            if (!r.getOpType().equals("Relu") || r.getInputCount() != 1 || r.getOutputCount() != 1) {
                continue;
            }
            String x = r.getInput(0);
            NodeProto p = producers.get(x);
            if (p != null
                    && quantizable(p, init)
                    && quantized.contains(p.getInput(0))
                    && quantized.contains(r.getOutput(0))
                    && !outputs.contains(x)
                    && consumers.getOrDefault(x, List.of()).size() == 1) {
                folded.put(x, r);
            }
        }
        return folded;
    }

    /**
     * Quantizes {@code m}.
     *
     * @param ranges calibrated {lo, hi} of every tensor in {@link #activationsToCalibrate}
     * @param unsignedActivations uint8 activations when true, int8 otherwise
     */
    public static Result quantize(OnnxMl.ModelProto model, Map<String, float[]> ranges, boolean unsignedActivations) {
        Plan plan = plan(model);
        OnnxMl.ModelProto m = plan.model();
        OnnxMl.GraphProto g = m.getGraph();
        Map<String, TensorProto> init = initializers(g);
        Set<String> activations = plan.activations();
        Map<String, QuantMath.Params> params = new HashMap<>();
        for (String t : activations) {
            float[] r = ranges.get(t);
            if (r == null) {
                throw new IllegalArgumentException("no calibrated range for tensor '" + t + "'");
            }
            params.put(t, QuantMath.activation(r[0], r[1], unsignedActivations));
        }
        int qType = unsignedActivations ? Tensors.UINT8 : Tensors.INT8;
        Map<String, NodeProto> folded = plan.foldedRelus();
        OnnxMl.GraphProto.Builder out = g.toBuilder().clearNode().clearInitializer();
        List<TensorProto> newInit = new ArrayList<>();
        Map<String, String> dequantized = new HashMap<>(); // activation -> its DQ output
        Map<String, String> scales = new HashMap<>(); // DQ output -> its scale initializer
        // Q/DQ of graph inputs first
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (params.containsKey(v.getName())) {
                qdq(v.getName(), v.getName(), params.get(v.getName()), qType, out, newInit, dequantized, scales);
            }
        }
        int nodes = 0;
        int index = 0;
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Relu") && folded.get(n.getInput(0)) == n) {
                // Q/DQ of the pre-ReLU tensor with the ReLU output's parameters; consumers read it as the ReLU output
                String y = n.getOutput(0);
                qdq(n.getInput(0), y, params.get(y), qType, out, newInit, dequantized, scales);
                index++;
                continue;
            }
            NodeProto.Builder b = n.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                String dq = dequantized.get(b.getInput(i));
                if (dq != null) {
                    b.setInput(i, dq);
                }
            }
            if (quantizable(n, init) && params.containsKey(n.getInput(0))) {
                quantizeWeights(
                        n, b, init, params.get(n.getInput(0)), scales.get(b.getInput(0)), "q" + index, out, newInit);
                nodes++;
            }
            out.addNode(b);
            for (String o : n.getOutputList()) {
                if (params.containsKey(o)) {
                    qdq(o, o, params.get(o), qType, out, newInit, dequantized, scales);
                }
            }
            index++;
        }
        retainUsed(g, init, out, newInit);
        return new Result(compact(withOpset(m, out.build())), nodes, params.size());
    }

    /**
     * Completes a rewritten graph {@code out} of {@code g}: keeps the original initializers that its nodes or outputs
     * still read, adds {@code newInit}, and drops graph inputs that declared an initializer no longer used (IR < 4
     * style).
     */
    static void retainUsed(
            OnnxMl.GraphProto g,
            Map<String, TensorProto> init,
            OnnxMl.GraphProto.Builder out,
            List<TensorProto> newInit) {
        Set<String> used = new HashSet<>();
        out.getNodeList().forEach(n -> used.addAll(n.getInputList()));
        out.getOutputList().forEach(o -> used.add(o.getName()));
        for (TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        out.addAllInitializer(newInit);
        List<OnnxMl.ValueInfoProto> inputs = out.getInputList().stream()
                .filter(v -> !init.containsKey(v.getName()) || used.contains(v.getName()))
                .toList();
        out.clearInput().addAllInput(inputs);
    }

    /** {@code m} with {@code graph} and a default-domain opset of at least {@link #OPSET}. */
    static OnnxMl.ModelProto withOpset(OnnxMl.ModelProto m, OnnxMl.GraphProto graph) {
        OnnxMl.ModelProto.Builder b = m.toBuilder().setGraph(graph).clearOpsetImport();
        boolean found = false;
        for (OnnxMl.OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                b.addOpsetImport(o.toBuilder().setVersion(Math.max(OPSET, o.getVersion())));
                found = true;
            } else {
                b.addOpsetImport(o);
            }
        }
        if (!found) {
            b.addOpsetImport(
                    OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        }
        if (b.getIrVersion() < 7) {
            b.setIrVersion(7);
        }
        return b.build();
    }

    /**
     * Quantizes and dequantizes tensor {@code t} with {@code p}; readers of {@code as} (t itself, or the output of a
     * folded ReLU) read the dequantized tensor.
     */
    private static void qdq(
            String t,
            String as,
            QuantMath.Params p,
            int qType,
            OnnxMl.GraphProto.Builder out,
            List<TensorProto> init,
            Map<String, String> dequantized,
            Map<String, String> scales) {
        String scale = as + "_scale";
        String zp = as + "_zero_point";
        init.add(Tensors.floatTensor(scale, new long[0], new float[] {p.scale()}));
        init.add(Tensors.byteTensor(zp, new long[0], qType, new byte[] {(byte) p.zeroPoint()}));
        // inserted nodes stay unnamed (names are optional in ONNX): they would only add bytes to small models
        out.addNode(Tensors.node("QuantizeLinear", "", List.of(t, scale, zp), List.of(as + "_q")));
        out.addNode(Tensors.node("DequantizeLinear", "", List.of(as + "_q", scale, zp), List.of(as + "_dq")));
        dequantized.put(as, as + "_dq");
        scales.put(as + "_dq", scale);
    }

    private static void quantizeWeights(
            NodeProto n,
            NodeProto.Builder b,
            Map<String, TensorProto> init,
            QuantMath.Params input,
            String inputScale,
            String prefix,
            OnnxMl.GraphProto.Builder out,
            List<TensorProto> newInit) {
        TensorProto w = init.get(n.getInput(1));
        long[] dims = Tensors.dims(w);
        int axis = weightAxis(n);
        float[] values = Tensors.floats(w);
        float[] scales = QuantMath.perChannelScales(values, dims, axis);
        byte[] q = QuantMath.quantizeWeights(values, dims, axis, scales);
        String base = w.getName() + "_" + prefix;
        long[] channels = {dims[axis]};
        newInit.add(Tensors.byteTensor(base + "_quantized", dims, Tensors.INT8, q));
        newInit.add(Tensors.floatTensor(base + "_scale", channels, scales));
        // an explicit zero point: ONNX Runtime's QGemm fusion needs the weight DequantizeLinear to have one (stored
        // once per channel count: identical initializers are shared)
        newInit.add(Tensors.byteTensor(base + "_zero_point", channels, Tensors.INT8, new byte[(int) dims[axis]]));
        out.addNode(Tensors.node(
                "DequantizeLinear",
                "",
                List.of(base + "_quantized", base + "_scale", base + "_zero_point"),
                List.of(base + "_dq"),
                Tensors.intAttribute("axis", axis)));
        b.setInput(1, base + "_dq");
        TensorProto bias = n.getInputCount() > 2 ? init.get(n.getInput(2)) : null;
        if (bias != null
                && bias.getDataType() == Tensors.FLOAT
                && bias.getDimsCount() == 1
                && bias.getDims(0) == dims[axis]) {
            String bb = bias.getName() + "_" + prefix;
            newInit.add(Tensors.intTensor(
                    bb + "_quantized", channels, QuantMath.quantizeBias(Tensors.floats(bias), input.scale(), scales)));
            // the bias scale input_scale * weight_scale[c] is computed from the two stored scales (a constant that
            // ONNX Runtime folds at load) instead of being stored as a third per-channel tensor
            out.addNode(Tensors.node("Mul", "", List.of(inputScale, base + "_scale"), List.of(bb + "_scale")));
            // no zero point: DequantizeLinear defaults it to 0, which int32 biases always have
            out.addNode(Tensors.node(
                    "DequantizeLinear",
                    "",
                    List.of(bb + "_quantized", bb + "_scale"),
                    List.of(bb + "_dq"),
                    Tensors.intAttribute("axis", 0)));
            b.setInput(2, bb + "_dq");
        }
    }

    /** Suffix kept on int8 weight tensors so that tools (and the benchmark) can tell them from other tensors. */
    public static final String WEIGHT_SUFFIX = "_quantized";

    /**
     * {@code m} with fewer bytes and the same function: identical initializers stored once, every tensor other than
     * the graph inputs and outputs renamed to a short id in order of appearance (int8 weights keep
     * {@link #WEIGHT_SUFFIX}), node names (except a processing block's) and doc strings dropped. Metadata, inputs, outputs and opsets are kept.
     */
    static OnnxMl.ModelProto compact(OnnxMl.ModelProto m) {
        OnnxMl.GraphProto g = m.getGraph();
        Set<String> keep = new HashSet<>();
        g.getInputList().forEach(v -> keep.add(v.getName()));
        g.getOutputList().forEach(v -> keep.add(v.getName()));
        Map<String, String> names = new HashMap<>();
        Map<String, String> byContent = new HashMap<>(); // content key -> kept name
        List<TensorProto> inits = new ArrayList<>();
        int[] next = {0};
        for (TensorProto t : g.getInitializerList()) {
            if (keep.contains(t.getName())) {
                inits.add(t.toBuilder().clearDocString().build());
                continue;
            }
            String key = t.getDataType() + "|" + t.getDimsList() + "|"
                    + t.getRawData().toStringUtf8().hashCode();
            String same = byContent.get(key);
            if (same != null && sameContent(t, g, names, same)) {
                names.put(t.getName(), same);
                continue;
            }
            boolean weight = t.getName().endsWith(WEIGHT_SUFFIX) && t.getDimsCount() >= 2;
            String name = shortName(next, keep) + (weight ? WEIGHT_SUFFIX : "");
            names.put(t.getName(), name);
            byContent.putIfAbsent(key, name);
            inits.add(t.toBuilder().setName(name).clearDocString().build());
        }
        OnnxMl.GraphProto.Builder out =
                g.toBuilder().clearNode().clearInitializer().clearDocString();
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder b = n.toBuilder().clearDocString();
            if (!isProcessing(n)) {
                b.clearName();
            }
            for (int i = 0; i < b.getInputCount(); i++) {
                b.setInput(i, rename(b.getInput(i), names, keep, next));
            }
            for (int i = 0; i < b.getOutputCount(); i++) {
                b.setOutput(i, rename(b.getOutput(i), names, keep, next));
            }
            out.addNode(b);
        }
        out.addAllInitializer(inits);
        out.clearValueInfo();
        for (OnnxMl.ValueInfoProto v : g.getValueInfoList()) {
            if (names.containsKey(v.getName())) {
                out.addValueInfo(v.toBuilder().setName(names.get(v.getName())).clearDocString());
            }
        }
        List<OnnxMl.ValueInfoProto> inputs = out.getInputList().stream()
                .filter(v -> keep.contains(v.getName()))
                .toList();
        out.clearInput().addAllInput(inputs);
        return m.toBuilder().setGraph(out).clearDocString().build();
    }

    private static boolean sameContent(TensorProto t, OnnxMl.GraphProto g, Map<String, String> names, String kept) {
        for (TensorProto o : g.getInitializerList()) {
            if (kept.equals(names.get(o.getName()))) {
                return o.getDataType() == t.getDataType()
                        && o.getDimsList().equals(t.getDimsList())
                        && o.getRawData().equals(t.getRawData())
                        && !o.getRawData().isEmpty();
            }
        }
        return false;
    }

    private static String rename(String t, Map<String, String> names, Set<String> keep, int[] next) {
        if (t.isEmpty() || keep.contains(t)) {
            return t;
        }
        return names.computeIfAbsent(t, k -> shortName(next, keep));
    }

    private static String shortName(int[] next, Set<String> keep) {
        String s;
        do {
            s = "t" + Integer.toString(next[0]++, 36);
        } while (keep.contains(s));
        return s;
    }

    /** Output-channel axis of a quantizable node's weight. */
    static int weightAxis(NodeProto n) {
        return switch (n.getOpType()) {
            case "Gemm" -> Tensors.intAttr(n, "transB", 0) != 0 ? 0 : 1;
            case "MatMul" -> 1;
            default -> 0; // Conv [M, C/group, k...]
        };
    }

    /**
     * Whether the weights of {@code n} can be quantized: Gemm/MatMul/Conv with a float initializer weight, outside a
     * processing block.
     */
    static boolean quantizable(NodeProto n, Map<String, TensorProto> init) {
        if (isProcessing(n)
                || n.getInputCount() < 2
                || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) {
            return false;
        }
        TensorProto w = init.get(n.getInput(1));
        if (w == null || w.getDataType() != Tensors.FLOAT || init.containsKey(n.getInput(0))) {
            return false;
        }
        return switch (n.getOpType()) {
            case "Gemm" ->
                w.getDimsCount() == 2
                        && Tensors.intAttr(n, "transA", 0) == 0
                        && Tensors.floatAttr(n, "alpha", 1f) == 1f
                        && Tensors.floatAttr(n, "beta", 1f) == 1f;
            case "MatMul" -> w.getDimsCount() == 2;
            case "Conv" -> w.getDimsCount() >= 3;
            default -> false;
        };
    }

    /** Whether {@code n} belongs to a processing block ({@link #PROCESSING_PREFIX}), which stays float. */
    public static boolean isProcessing(NodeProto n) {
        return n.getName().startsWith(PROCESSING_PREFIX);
    }

    static Map<String, TensorProto> initializers(OnnxMl.GraphProto g) {
        Map<String, TensorProto> m = new HashMap<>();
        g.getInitializerList().forEach(t -> m.put(t.getName(), t));
        return m;
    }

    record NodeUse(NodeProto node, int input) {}

    static Map<String, List<NodeUse>> consumers(OnnxMl.GraphProto g) {
        Map<String, List<NodeUse>> m = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                m.computeIfAbsent(n.getInput(i), k -> new ArrayList<>()).add(new NodeUse(n, i));
            }
        }
        return m;
    }
}
