package io.edgeloop.agent;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Random;

/** Small real ONNX models for tests: {@code probabilities = softmax(input x W + b)}, input [batch, F] float. */
public final class TestModels {
    private TestModels() {}

    /**
     * A linear classifier with random weights (from {@code seed}) scaled by {@code weightScale} plus {@code bias}.
     *
     * @param labels value of the {@code class_labels} metadata, or null for none
     */
    public static byte[] linear(int features, float[] bias, float weightScale, long seed, String labels) {
        int classes = bias.length;
        Random r = new Random(seed);
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder()
                .setName("W")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addDims(features)
                .addDims(classes);
        for (int i = 0; i < features * classes; i++) {
            w.addFloatData((float) r.nextGaussian() * weightScale);
        }
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder()
                .setName("B")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addDims(classes);
        for (float v : bias) {
            b.addFloatData(v);
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("linear")
                .addInitializer(w)
                .addInitializer(b)
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Gemm")
                        .addAllInput(List.of("input", "W", "B"))
                        .addOutput("logits"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Softmax")
                        .addInput("logits")
                        .addOutput("probabilities")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(1)))
                .addInput(value("input", -1, features))
                .addOutput(value("probabilities", -1, classes))
                .build();
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("edgeloop-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph);
        if (labels != null) {
            model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                    .setKey("class_labels")
                    .setValue(labels));
        }
        return model.build().toByteArray();
    }

    /** A model whose prediction is always class {@code winner} (zero weights, a dominant bias). */
    public static byte[] constant(int features, int classes, int winner, String labels) {
        float[] bias = new float[classes];
        bias[winner] = 10f;
        return linear(features, bias, 0f, 1, labels);
    }

    private static OnnxMl.ValueInfoProto value(String name, int rows, int cols) {
        OnnxMl.TensorShapeProto.Dimension first = rows < 0
                ? OnnxMl.TensorShapeProto.Dimension.newBuilder()
                        .setDimParam("batch")
                        .build()
                : OnnxMl.TensorShapeProto.Dimension.newBuilder()
                        .setDimValue(rows)
                        .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                        .addDim(first)
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(cols)))))
                .build();
    }
}
