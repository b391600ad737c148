package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Estimates RAM, flash, MACs and latency of a model on a {@link TargetProfile}. Activation shapes and MACs come from
 * the float graph (what the device computes), for a batch of one, with the profile's bytes per activation element;
 * weights are the initializers of the shipped variant. RAM is the largest sum of tensors alive at the same time when
 * the nodes run in graph order (a tensor lives from the node that produces it to its last consumer; graph inputs from
 * the start, graph outputs to the end).
 */
public final class DeviceEstimator {
    private DeviceEstimator() {}

    /**
     * @param floatGraph the float model's graph (shapes and MACs)
     * @param weightBytes bytes of the shipped variant's weights
     * @param flashBytes size of the shipped file
     */
    public static DeviceEstimate estimate(
            OnnxMl.GraphProto floatGraph, long weightBytes, long flashBytes, TargetProfile profile) {
        ShapeInference.Result shapes = ShapeInference.infer(floatGraph);
        long peak = peakActivations(floatGraph, shapes, profile.activationBytes());
        boolean complete = shapes.tensors().values().stream().allMatch(i -> i.shape() != null);
        long ram = peak + (profile.weightsInRam() ? weightBytes : 0) + profile.runtimeOverheadBytes();
        long macs = shapes.macs();
        double latency = macs / profile.macsPerMicrosecond();
        List<String> why = new ArrayList<>();
        if (ram > profile.ramBytes()) {
            why.add(String.format(
                    Locale.ROOT, "needs %d bytes of RAM, %s has %d", ram, profile.name(), profile.ramBytes()));
        }
        if (flashBytes > profile.flashBytes()) {
            why.add(String.format(
                    Locale.ROOT,
                    "needs %d bytes of flash, %s has %d",
                    flashBytes,
                    profile.name(),
                    profile.flashBytes()));
        }
        return new DeviceEstimate(
                profile.name(),
                ram,
                peak,
                flashBytes,
                macs,
                latency,
                why.isEmpty(),
                why.isEmpty() ? null : String.join("; ", why),
                complete);
    }

    /** Bytes of all initializers of a graph. */
    public static long weightBytes(OnnxMl.GraphProto g) {
        long b = 0;
        for (TensorProto t : g.getInitializerList()) {
            b += Tensors.count(Tensors.dims(t)) * Tensors.elementSize(t.getDataType());
        }
        return b;
    }

    /** Largest sum of simultaneously live activation tensors, with {@code elementBytes} per element. */
    static long peakActivations(OnnxMl.GraphProto g, ShapeInference.Result shapes, int elementBytes) {
        Set<String> weights = new HashSet<>();
        g.getInitializerList().forEach(t -> weights.add(t.getName()));
        int n = g.getNodeCount();
        Map<String, Integer> birth = new HashMap<>();
        Map<String, Integer> last = new HashMap<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!weights.contains(v.getName())) {
                birth.put(v.getName(), 0);
                last.put(v.getName(), 0);
            }
        }
        for (int i = 0; i < n; i++) {
            OnnxMl.NodeProto node = g.getNode(i);
            for (String in : node.getInputList()) {
                if (birth.containsKey(in)) {
                    last.put(in, i);
                }
            }
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    birth.put(out, i);
                    last.put(out, i);
                }
            }
        }
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            if (birth.containsKey(v.getName())) {
                last.put(v.getName(), Math.max(0, n - 1));
            }
        }
        long[] live = new long[Math.max(1, n)];
        for (Map.Entry<String, Integer> e : birth.entrySet()) {
            ShapeInference.Info info = shapes.tensors().get(e.getKey());
            long bytes = info == null ? 0 : info.bytes(elementBytes);
            for (int i = e.getValue(); i <= last.get(e.getKey()); i++) {
                live[i] += bytes;
            }
        }
        long peak = 0;
        for (long l : live) {
            peak = Math.max(peak, l);
        }
        return peak;
    }
}
