package io.edgeloop.training.domain;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained MLP as an ONNX model (opset 13, IR version 8) with the ONNX protobuf classes of
 * tribuo-util-onnx. Graph: {@code input} float [N, F] -> Sub(mean) -> Div(std) -> (Gemm(transB=1) -> Relu)* -> Gemm
 * -> Softmax -> {@code probabilities} float [N, C], with a dynamic batch dimension {@code N}.
 */
public final class OnnxExporter {
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the graph output. */
    public static final String OUTPUT = "probabilities";
    /** ONNX IR version written. */
    public static final long IR_VERSION = 8;
    /** Default-domain opset written. */
    public static final long OPSET = 13;

    /**
     * Serializes {@code model} to ONNX bytes.
     *
     * @param graphName name of the ONNX graph (the model name)
     * @param metadata extra {@code metadata_props} (written in iteration order after the built-in entries)
     */
    public byte[] export(TrainedModel model, String graphName, Map<String, String> metadata) {
        return export(model.standardizer(), model.layers(), model.classLabels(), graphName, metadata);
    }

    /** Serializes an MLP given by its parts; see {@link #export(TrainedModel, String, Map)}. */
    public byte[] export(
            Standardizer standardizer,
            List<DenseLayer> layers,
            List<String> classLabels,
            String graphName,
            Map<String, String> metadata) {
        int features = layers.get(0).inputs();
        int classes = layers.get(layers.size() - 1).outputs();
        if (standardizer.mean().length != features || classLabels.size() != classes) {
            throw new IllegalArgumentException("standardizer, layers and class labels do not agree");
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(graphName);
        g.addInput(tensorInfo(INPUT, features));
        g.addOutput(tensorInfo(OUTPUT, classes));
        g.addInitializer(tensor("feature_mean", standardizer.mean(), features));
        g.addInitializer(tensor("feature_std", standardizer.std(), features));
        g.addNode(node("Sub", "standardize_sub", List.of(INPUT, "feature_mean"), "centered"));
        g.addNode(node("Div", "standardize_div", List.of("centered", "feature_std"), "standardized"));
        String current = "standardized";
        for (int i = 0; i < layers.size(); i++) {
            DenseLayer l = layers.get(i);
            String w = "dense" + i + "_weight";
            String b = "dense" + i + "_bias";
            g.addInitializer(tensor(w, l.weight(), l.outputs(), l.inputs()));
            g.addInitializer(tensor(b, l.bias(), l.outputs()));
            String out = i == layers.size() - 1 ? "logits" : "dense" + i;
            g.addNode(node("Gemm", "dense" + i, List.of(current, w, b), out).toBuilder()
                    .addAttribute(intAttribute("transB", 1))
                    .build());
            current = out;
            if (i < layers.size() - 1) {
                String relu = "relu" + i;
                g.addNode(node("Relu", relu, List.of(current), relu));
                current = relu;
            }
        }
        g.addNode(node("Softmax", "softmax", List.of(current), OUTPUT).toBuilder()
                .addAttribute(intAttribute("axis", -1))
                .build());

        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("edgeloop-training-service")
                .setProducerVersion("1")
                .setModelVersion(1)
                .setDocString("MLP classifier with built-in input standardization; outputs class probabilities")
                .setGraph(g);
        meta(m, "class_labels", String.join(",", classLabels));
        meta(m, "feature_count", Integer.toString(features));
        meta(m, "input_name", INPUT);
        meta(m, "output_name", OUTPUT);
        metadata.forEach((k, v) -> meta(m, k, v));
        return m.build().toByteArray();
    }

    private static void meta(ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value == null ? "" : value));
    }

    private static ValueInfoProto tensorInfo(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }

    private static TensorProto tensor(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        buf.flip();
        TensorProto.Builder t =
                TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(buf)).build();
    }

    private static NodeProto node(String op, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(name)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }
}
