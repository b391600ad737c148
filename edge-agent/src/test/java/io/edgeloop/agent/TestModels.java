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

    /**
     * A classifier on an N-D input: {@code probabilities = softmax(flatten(input) x W + b)}, input {@code [-1,
     * dims...]} float, W from {@code seed} (row-major [prod(dims), classes]): the shape of the loop's 1D-CNN ({@code
     * [-1, 4, 10]}) and 2D-CNN ({@code [-1, 1, 8, 8]}) models.
     */
    public static byte[] flattenLinear(long[] dims, int classes, long seed, String labels) {
        int features = 1;
        for (long d : dims) {
            features *= (int) d;
        }
        Random r = new Random(seed);
        OnnxMl.TensorProto.Builder w = floats("W", features, classes);
        for (int i = 0; i < features * classes; i++) {
            w.addFloatData((float) r.nextGaussian() * 0.3f);
        }
        OnnxMl.TensorProto.Builder b = floats("B", classes);
        for (int i = 0; i < classes; i++) {
            b.addFloatData(0.1f * i);
        }
        long[] inShape = new long[dims.length + 1];
        inShape[0] = -1;
        System.arraycopy(dims, 0, inShape, 1, dims.length);
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("flatten-linear")
                .addInitializer(w)
                .addInitializer(b)
                .addNode(node("Flatten", List.of("input"), "flat").addAttribute(intAttr("axis", 1)))
                .addNode(node("Gemm", List.of("flat", "W", "B"), "logits"))
                .addNode(node("Softmax", List.of("logits"), "probabilities").addAttribute(intAttr("axis", 1)))
                .addInput(tensor("input", OnnxMl.TensorProto.DataType.FLOAT, inShape))
                .addOutput(tensor("probabilities", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, classes}))
                .build();
        return model(graph, 13, labels);
    }

    /**
     * A recurrent-style model with three inputs: features {@code x} FP32 [-1, 3], a state {@code state} FP32 [-1, 2]
     * and a step {@code step} INT64 [-1, 1]. Outputs {@code y = 2x + step + sum(state)} FP32 [-1, 3] and {@code
     * new_state = state + 1} FP32 [-1, 2].
     */
    public static byte[] stateful() {
        OnnxMl.TensorProto.Builder two = floats("two", 1).addFloatData(2f);
        OnnxMl.TensorProto.Builder one = floats("one", 1).addFloatData(1f);
        OnnxMl.TensorProto.Builder axes = OnnxMl.TensorProto.newBuilder()
                .setName("axes")
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(1)
                .addInt64Data(1);
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("stateful")
                .addInitializer(two)
                .addInitializer(one)
                .addInitializer(axes)
                .addNode(node("Mul", List.of("x", "two"), "x2"))
                .addNode(node("Cast", List.of("step"), "stepf")
                        .addAttribute(intAttr("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber())))
                .addNode(node("ReduceSum", List.of("state", "axes"), "ssum").addAttribute(intAttr("keepdims", 1)))
                .addNode(node("Add", List.of("x2", "stepf"), "x2s"))
                .addNode(node("Add", List.of("x2s", "ssum"), "y"))
                .addNode(node("Add", List.of("state", "one"), "new_state"))
                .addInput(tensor("x", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .addInput(tensor("state", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 2}))
                .addInput(tensor("step", OnnxMl.TensorProto.DataType.INT64, new long[] {-1, 1}))
                .addOutput(tensor("y", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .addOutput(tensor("new_state", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 2}))
                .build();
        return model(graph, 13, null);
    }

    /** A regression model: {@code value = input x W + b}, input FP32 [-1, F], output {@code value} FP32 [-1, 1]. */
    public static byte[] regression(int features, long seed) {
        Random r = new Random(seed);
        OnnxMl.TensorProto.Builder w = floats("W", features, 1);
        for (int i = 0; i < features; i++) {
            w.addFloatData((float) r.nextGaussian());
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("regression")
                .addInitializer(w)
                .addInitializer(floats("B", 1).addFloatData(0.5f))
                .addNode(node("Gemm", List.of("input", "W", "B"), "value"))
                .addInput(tensor("input", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, features}))
                .addOutput(tensor("value", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 1}))
                .build();
        return model(graph, 13, null);
    }

    /** {@code output = Identity(input)} on a {@code type} tensor of shape [-1, 3]. */
    public static byte[] identity(OnnxMl.TensorProto.DataType type) {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("identity")
                .addNode(node("Identity", List.of("input"), "output"))
                .addInput(tensor("input", type, new long[] {-1, 3}))
                .addOutput(tensor("output", type, new long[] {-1, 3}))
                .build();
        return model(graph, 13, null);
    }

    /** An FP32 identity model stamped with default-domain opset {@code opset}. */
    public static byte[] identityAtOpset(int opset) {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("identity")
                .addNode(node("Identity", List.of("input"), "output"))
                .addInput(tensor("input", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .addOutput(tensor("output", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .build();
        return model(graph, opset, null);
    }

    /**
     * A model that fails at run time for some valid inputs: input FP32 [-1, -1] reshaped to [-1, 3] (fails unless the
     * element count is a multiple of 3), output {@code output}.
     */
    public static byte[] reshapeTo3() {
        OnnxMl.TensorProto.Builder shape = OnnxMl.TensorProto.newBuilder()
                .setName("shape")
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(2)
                .addInt64Data(-1)
                .addInt64Data(3);
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("reshape")
                .addInitializer(shape)
                .addNode(node("Reshape", List.of("input", "shape"), "output"))
                .addInput(tensor("input", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, -1}))
                .addOutput(tensor("output", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .build();
        return model(graph, 13, null);
    }

    private static byte[] model(OnnxMl.GraphProto graph, int opset, String labels) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(opset > 21 ? 10 : 8)
                .setProducerName("edgeloop-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(opset))
                .setGraph(graph);
        if (labels != null) {
            model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                    .setKey("class_labels")
                    .setValue(labels));
        }
        return model.build().toByteArray();
    }

    private static OnnxMl.TensorProto.Builder floats(String name, long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private static OnnxMl.NodeProto.Builder node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).addAllInput(inputs).addOutput(output);
    }

    private static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** A tensor value of {@code type} and {@code shape} (-1 = a named dynamic dimension). */
    public static OnnxMl.ValueInfoProto tensor(String name, OnnxMl.TensorProto.DataType type, long[] shape) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.length; i++) {
            s.addDim(
                    shape[i] < 0
                            ? OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                    .setDimParam(i == 0 ? "batch" : "d" + i)
                                    .build()
                            : OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                    .setDimValue(shape[i])
                                    .build());
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(s)))
                .build();
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
