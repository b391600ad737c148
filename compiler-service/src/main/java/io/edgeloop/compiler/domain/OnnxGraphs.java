package io.edgeloop.compiler.domain;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/** Reads ONNX graphs with the ONNX protobuf schema (for figures such as the node count). */
public final class OnnxGraphs {
    private OnnxGraphs() {}

    /** Number of nodes in the main graph of an ONNX file; empty when the file is not ONNX protobuf. */
    public static OptionalInt nodeCount(Path onnxFile) {
        try {
            return OptionalInt.of(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnxFile))
                    .getGraph()
                    .getNodeCount());
        } catch (InvalidProtocolBufferException e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + onnxFile, e);
        }
    }

    /**
     * The dims of the model's single float input that is not an initializer ({@code -1} for symbolic or missing dims),
     * or null when the graph has no such single input of rank two or more.
     */
    public static long[] inputShape(OnnxMl.ModelProto model) {
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<OnnxMl.ValueInfoProto> inputs = model.getGraph().getInputList().stream()
                .filter(i -> !initializers.contains(i.getName()))
                .toList();
        if (inputs.size() != 1 || !inputs.get(0).getType().hasTensorType()) {
            return null;
        }
        OnnxMl.TypeProto.Tensor t = inputs.get(0).getType().getTensorType();
        if (t.getElemType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE
                || t.getShape().getDimCount() < 2) {
            return null;
        }
        long[] dims = new long[t.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return dims;
    }

    /**
     * The operator domains other than the default one ({@code ""} / {@code ai.onnx}) that the model's nodes use,
     * subgraphs included, sorted.
     */
    public static java.util.SortedSet<String> opDomains(OnnxMl.ModelProto model) {
        java.util.SortedSet<String> domains = new java.util.TreeSet<>();
        collectDomains(model.getGraph(), domains);
        return domains;
    }

    private static void collectDomains(OnnxMl.GraphProto graph, Set<String> domains) {
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                domains.add(n.getDomain());
            }
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectDomains(a.getG(), domains);
                }
                a.getGraphsList().forEach(g -> collectDomains(g, domains));
            }
        }
    }

    /** The parsed model, or null when it is not ONNX protobuf (ONNX Runtime then says why it cannot load it). */
    static OnnxMl.ModelProto parseOrNull(Path model) {
        try {
            return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
        } catch (InvalidProtocolBufferException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + model, e);
        }
    }

    /** The parsed model; {@link InvalidModelException} when it is not ONNX protobuf. */
    static OnnxMl.ModelProto parse(Path model) {
        try {
            return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidModelException(
                    model.getFileName() + " is not an ONNX protobuf model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + model, e);
        }
    }
}
