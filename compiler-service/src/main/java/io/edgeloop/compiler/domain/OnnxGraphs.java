package io.edgeloop.compiler.domain;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
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
}
