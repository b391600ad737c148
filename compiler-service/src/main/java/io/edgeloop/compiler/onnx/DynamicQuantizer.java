package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Dynamic int8 quantization: no calibration, activations are quantized at run time. A Gemm or MatMul with an
 * initializer weight becomes {@code DynamicQuantizeLinear(x) -> MatMulInteger(x_u8, W_s8, x_zp) -> Cast(float) ->
 * Mul(x_scale * w_scale[c]) [-> Add(bias)]} with per-column symmetric int8 weights (the pattern ONNX Runtime fuses
 * into DynamicQuantizeMatMul). A Conv with an initializer weight (and no bias, or a float initializer bias) becomes
 * {@code DynamicQuantizeLinear(x) -> ConvInteger(x_u8, W_u8, x_zp, 128) -> Cast(float) -> Mul(x_scale * w_scale[c])
 * [-> Add(bias)]} with the Conv's attributes. ONNX Runtime's CPU ConvInteger takes only a per-tensor (scalar) weight
 * zero point, and its older releases only uint8 weights (1.29 accepts int8 too), so the weights are per-output-channel
 * symmetric int8 ({@code max|w|/127}, values in [-127, 127]) stored as uint8 with the shared zero point 128, which
 * every release runs; the per-channel scales are applied after the integer convolution (shaped [M, 1, ...] to
 * broadcast over the output), so the granularity stays per channel. A Conv whose bias is not a float initializer gets
 * int8 per-channel weights with a DequantizeLinear only (weights-only: the size shrinks, the arithmetic stays float).
 * The nodes of a processing block ({@link StaticQuantizer#PROCESSING_PREFIX}) are copied unchanged: the DSP at the
 * front of an impulse stays float.
 */
public final class DynamicQuantizer {
    /**
     * @param model the quantized model
     * @param quantizedNodes nodes whose weights are int8
     */
    public record Result(OnnxMl.ModelProto model, int quantizedNodes) {}

    /** The original model's initializers. */
    private final Map<String, TensorProto> init;
    /** The rewritten graph's nodes. */
    private final OnnxMl.GraphProto.Builder out;
    /** The initializers the rewritten nodes add. */
    private final List<TensorProto> newInit = new ArrayList<>();

    private DynamicQuantizer(OnnxMl.GraphProto g) {
        this.init = StaticQuantizer.initializers(g);
        this.out = g.toBuilder().clearNode().clearInitializer();
    }

    public static Result quantize(OnnxMl.ModelProto m) {
        OnnxMl.GraphProto g = m.getGraph();
        DynamicQuantizer q = new DynamicQuantizer(g);
        int count = 0;
        int index = 0;
        for (NodeProto n : g.getNodeList()) {
            String p = "dq" + index++;
            if (!StaticQuantizer.quantizable(n, q.init)) {
                q.out.addNode(n);
                continue;
            }
            if (!n.getOpType().equals("Conv")) {
                q.matMulInteger(n, p);
            } else if (q.convIntegerBias(n)) {
                q.convInteger(n, p);
            } else {
                q.weightsOnly(n, p);
            }
            count++;
        }
        StaticQuantizer.retainUsed(g, q.init, q.out, q.newInit);
        return new Result(StaticQuantizer.withOpset(m, q.out.build()), count);
    }

    private void matMulInteger(NodeProto n, String p) {
        TensorProto w = init.get(n.getInput(1));
        long[] dims = Tensors.dims(w);
        float[] values = Tensors.floats(w);
        if (n.getOpType().equals("Gemm") && Tensors.intAttr(n, "transB", 0) != 0) {
            values = transpose(values, (int) dims[0], (int) dims[1]);
            dims = new long[] {dims[1], dims[0]};
        }
        float[] scales = QuantMath.perChannelScales(values, dims, 1);
        byte[] q = QuantMath.quantizeWeights(values, dims, 1, scales);
        String x = n.getInput(0);
        String y = n.getOutput(0);
        newInit.add(Tensors.byteTensor(p + "_W_quantized", dims, Tensors.INT8, q));
        newInit.add(Tensors.floatTensor(p + "_W_scale", new long[] {dims[1]}, scales));
        quantizeInput(p, x);
        out.addNode(Tensors.node(
                "MatMulInteger",
                p + "_MatMulInteger",
                List.of(p + "_x_quantized", p + "_W_quantized", p + "_x_zero_point"),
                List.of(p + "_int32")));
        boolean bias = n.getOpType().equals("Gemm")
                && n.getInputCount() > 2
                && !n.getInput(2).isEmpty();
        rescale(p, bias ? n.getInput(2) : null, y);
    }

    /** {@code DynamicQuantizeLinear(x) -> p_x_quantized, p_x_scale, p_x_zero_point}. */
    private void quantizeInput(String p, String x) {
        out.addNode(Tensors.node(
                "DynamicQuantizeLinear",
                p + "_DynamicQuantizeLinear",
                List.of(x),
                List.of(p + "_x_quantized", p + "_x_scale", p + "_x_zero_point")));
    }

    /** {@code y = float(p_int32) * (p_x_scale * p_W_scale) [+ bias]}. */
    private void rescale(String p, String bias, String y) {
        out.addNode(Tensors.node(
                "Cast",
                p + "_Cast",
                List.of(p + "_int32"),
                List.of(p + "_float"),
                Tensors.intAttribute("to", Tensors.FLOAT)));
        out.addNode(
                Tensors.node("Mul", p + "_scale_Mul", List.of(p + "_x_scale", p + "_W_scale"), List.of(p + "_scale")));
        out.addNode(Tensors.node(
                "Mul", p + "_Mul", List.of(p + "_float", p + "_scale"), List.of(bias != null ? p + "_scaled" : y)));
        if (bias != null) {
            out.addNode(Tensors.node("Add", p + "_bias_Add", List.of(p + "_scaled", bias), List.of(y)));
        }
    }

    /** Whether a Conv's bias is absent or a float initializer of [M] values (as ConvInteger needs it separately). */
    private boolean convIntegerBias(NodeProto n) {
        if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) {
            return true;
        }
        TensorProto b = init.get(n.getInput(2));
        long channels = init.get(n.getInput(1)).getDims(0);
        return b != null && b.getDataType() == Tensors.FLOAT && b.getDimsCount() == 1 && b.getDims(0) == channels;
    }

    private void convInteger(NodeProto n, String p) {
        TensorProto w = init.get(n.getInput(1));
        long[] dims = Tensors.dims(w);
        float[] values = Tensors.floats(w);
        float[] scales = QuantMath.perChannelScales(values, dims, 0);
        byte[] q = QuantMath.quantizeWeights(values, dims, 0, scales);
        byte[] u = new byte[q.length];
        for (int i = 0; i < q.length; i++) {
            u[i] = (byte) (q[i] + 128); // int8 [-127, 127] -> uint8 [1, 255], zero point 128
        }
        // [M, 1, ...]: one scale (and bias) per output channel, broadcast over the spatial axes of [N, M, ...]
        long[] channelDims = new long[dims.length - 1];
        Arrays.fill(channelDims, 1);
        channelDims[0] = dims[0];
        String x = n.getInput(0);
        String y = n.getOutput(0);
        newInit.add(Tensors.byteTensor(p + "_W_quantized", dims, Tensors.UINT8, u));
        newInit.add(Tensors.byteTensor(p + "_W_zero_point", new long[0], Tensors.UINT8, new byte[] {(byte) 128}));
        newInit.add(Tensors.floatTensor(p + "_W_scale", channelDims, scales));
        quantizeInput(p, x);
        out.addNode(NodeProto.newBuilder()
                .setOpType("ConvInteger")
                .setName(p + "_ConvInteger")
                .addAllInput(List.of(p + "_x_quantized", p + "_W_quantized", p + "_x_zero_point", p + "_W_zero_point"))
                .addOutput(p + "_int32")
                .addAllAttribute(n.getAttributeList())
                .build());
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        if (bias) {
            // [M] -> [M, 1, ...] so that it broadcasts over the spatial axes
            newInit.add(Tensors.floatTensor(p + "_bias", channelDims, Tensors.floats(init.get(n.getInput(2)))));
        }
        rescale(p, bias ? p + "_bias" : null, y);
    }

    private void weightsOnly(NodeProto n, String p) {
        TensorProto w = init.get(n.getInput(1));
        long[] dims = Tensors.dims(w);
        int axis = StaticQuantizer.weightAxis(n);
        float[] values = Tensors.floats(w);
        float[] scales = QuantMath.perChannelScales(values, dims, axis);
        long[] channels = {dims[axis]};
        newInit.add(Tensors.byteTensor(
                p + "_W_quantized", dims, Tensors.INT8, QuantMath.quantizeWeights(values, dims, axis, scales)));
        newInit.add(Tensors.floatTensor(p + "_W_scale", channels, scales));
        newInit.add(Tensors.byteTensor(p + "_W_zero_point", channels, Tensors.INT8, new byte[(int) dims[axis]]));
        out.addNode(Tensors.node(
                "DequantizeLinear",
                p + "_W_DequantizeLinear",
                List.of(p + "_W_quantized", p + "_W_scale", p + "_W_zero_point"),
                List.of(p + "_W_dq"),
                Tensors.intAttribute("axis", axis)));
        out.addNode(n.toBuilder().setInput(1, p + "_W_dq").build());
    }

    static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }
}
