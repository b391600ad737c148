package io.edgeloop.compiler.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural rules of the ONNX checker, in Java: a default-domain opset in a supported range is imported (and every
 * other domain a node uses), the graph has inputs, outputs and nodes, names are unique (SSA), every node input is
 * defined before use (graph input, initializer or an earlier node's output), every graph output is produced,
 * initializers are typed and hold exactly as many values as their dimensions say, and the types and shapes of the
 * supported operators are consistent ({@link ShapeInference}).
 */
public final class OnnxChecker {
    /** Lowest and highest default-domain opsets accepted. */
    public static final long MIN_OPSET = 7;

    public static final long MAX_OPSET = 23;

    private OnnxChecker() {}

    /** Problems of {@code model}; empty when it passes. */
    public static List<String> check(OnnxMl.ModelProto model) {
        List<String> p = new ArrayList<>();
        if (model.getIrVersion() < 3) {
            p.add("ir_version " + model.getIrVersion() + " is missing or too old (>= 3 required)");
        }
        long opset = Tensors.defaultOpset(model);
        if (opset == 0) {
            p.add("no default-domain opset is imported");
        } else if (opset < MIN_OPSET || opset > MAX_OPSET) {
            p.add("default-domain opset " + opset + " is outside " + MIN_OPSET + ".." + MAX_OPSET);
        }
        Set<String> domains = new HashSet<>();
        model.getOpsetImportList().forEach(o -> domains.add(o.getDomain().equals("ai.onnx") ? "" : o.getDomain()));
        if (!model.hasGraph()) {
            p.add("the model has no graph");
            return p;
        }
        OnnxMl.GraphProto g = model.getGraph();
        if (g.getNodeCount() == 0) {
            p.add("the graph has no nodes");
        }
        if (g.getOutputCount() == 0) {
            p.add("the graph declares no outputs");
        }
        Set<String> defined = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            checkInitializer(t, p);
            if (!defined.add(t.getName())) {
                p.add("initializer '" + t.getName() + "' is defined twice");
            }
        }
        int realInputs = 0;
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (v.getName().isEmpty()) {
                p.add("a graph input has no name");
            }
            if (!v.getType().hasTensorType() || v.getType().getTensorType().getElemType() == 0) {
                p.add("graph input '" + v.getName() + "' has no tensor element type");
            }
            if (defined.add(v.getName())) {
                realInputs++;
            }
        }
        if (realInputs == 0) {
            p.add("the graph has no inputs besides initializers");
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            String node = "node " + i + " " + ShapeInference.describe(n);
            if (n.getOpType().isEmpty()) {
                p.add(node + " has no op_type");
            }
            String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
            if (!domains.contains(domain)) {
                p.add(node + " uses domain '" + domain + "', which the model does not import");
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    p.add(node + " input '" + in + "' is not defined before use");
                }
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && !defined.add(out)) {
                    p.add(node + " output '" + out + "' is already defined (not SSA)");
                }
            }
        }
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            if (!defined.contains(v.getName())) {
                p.add("graph output '" + v.getName() + "' is never produced");
            }
        }
        if (p.isEmpty()) {
            p.addAll(ShapeInference.infer(g).errors());
        }
        return p;
    }

    private static void checkInitializer(TensorProto t, List<String> p) {
        String name = "initializer '" + t.getName() + "'";
        if (t.getName().isEmpty()) {
            p.add("an initializer has no name");
        }
        if (t.getDataType() == 0 || TensorProto.DataType.forNumber(t.getDataType()) == null) {
            p.add(name + " has no valid data_type");
            return;
        }
        for (long d : t.getDimsList()) {
            if (d < 0) {
                p.add(name + " has a negative dimension");
                return;
            }
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            p.add(name + " uses external data, which is not supported");
            return;
        }
        long expected = Tensors.count(Tensors.dims(t));
        long stored = Tensors.storedCount(t);
        if (stored != expected) {
            p.add(name + " holds " + stored + " values but its dims " + t.getDimsList() + " need " + expected);
        }
    }
}
