package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Magnitude pruning without retraining: in every Gemm, MatMul and Conv weight (not biases), the {@code sparsity}
 * fraction of weights with the smallest absolute values is set to zero, layer by layer (each layer keeps the same
 * share of its weights, so a small layer is never emptied by a global threshold). The file stays dense float: the
 * gain is for sparse kernels and compression; the accuracy cost is measured by validating the variant. The constants
 * of a processing block ({@link StaticQuantizer#PROCESSING_PREFIX}: DFT, filterbank and DCT matrices) are not
 * weights and are never pruned.
 */
public final class MagnitudePruner {
    /**
     * @param model the pruned model
     * @param sparsity zero weights / all weights of the pruned layers, after pruning
     */
    public record Result(OnnxMl.ModelProto model, double sparsity) {}

    private MagnitudePruner() {}

    public static Result prune(OnnxMl.ModelProto m, double target) {
        if (!(target >= 0 && target < 1)) {
            throw new IllegalArgumentException("target sparsity must be in [0, 1)");
        }
        OnnxMl.GraphProto g = m.getGraph();
        Map<String, TensorProto> init = StaticQuantizer.initializers(g);
        Set<String> weights = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (StaticQuantizer.quantizable(n, init)) {
                weights.add(n.getInput(1));
            }
        }
        OnnxMl.GraphProto.Builder out = g.toBuilder().clearInitializer();
        long zeros = 0;
        long total = 0;
        for (TensorProto t : g.getInitializerList()) {
            if (!weights.contains(t.getName())) {
                out.addInitializer(t);
                continue;
            }
            float[] w = Tensors.floats(t);
            float[] pruned = prune(w, target);
            for (float v : pruned) {
                if (v == 0f) {
                    zeros++;
                }
            }
            total += w.length;
            out.addInitializer(Tensors.floatTensor(t.getName(), Tensors.dims(t), pruned));
        }
        return new Result(m.toBuilder().setGraph(out).build(), total == 0 ? 0 : (double) zeros / total);
    }

    /** {@code w} with its {@code floor(target * n)} smallest-magnitude values zeroed. */
    static float[] prune(float[] w, double target) {
        int k = (int) Math.floor(target * w.length);
        float[] out = w.clone();
        if (k == 0) {
            return out;
        }
        Integer[] order = new Integer[w.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(Math.abs(w[a]), Math.abs(w[b])));
        for (int i = 0; i < k; i++) {
            out[order[i]] = 0f;
        }
        return out;
    }
}
