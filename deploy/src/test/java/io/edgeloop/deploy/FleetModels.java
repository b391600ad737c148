package io.edgeloop.deploy;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Random;

/**
 * Bring-your-own ONNX models for the fleet test, built in code: a plain classifier, and a "stateful" model with three
 * inputs (features, a recurrent state tensor and an int64 side input) and two outputs (class probabilities and the
 * next state), as a team with a recurrent model would upload it.
 */
final class FleetModels {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = OnnxMl.TensorProto.DataType.INT64.getNumber();

    private FleetModels() {}

    /** {@code probabilities = softmax(features x W + b)}: features [batch, F] float. */
    static byte[] classifier(int features, int classes, long seed) {
        Random r = new Random(seed);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("classifier")
                .addInitializer(floats("W", r, 0.5f, features, classes))
                .addInitializer(floats("B", r, 0.1f, classes))
                .addNode(node("Gemm", List.of("features", "W", "B"), "logits"))
                .addNode(softmax("logits", "probabilities"))
                .addInput(value("features", FLOAT, features))
                .addOutput(value("probabilities", FLOAT, classes));
        return model(g);
    }

    /**
     * The same function as {@link #classifier} with the same {@code seed} (same weights, same predictions), computed
     * through a wide intermediate tensor: {@code features} reshaped to [batch, F, 1], plus zeros [1, 1, width]
     * ([batch, F, width]), averaged over the last axis back to [batch, F]. Its activations at batch 1 are {@code F x
     * width} elements: with F x width above 262,144 even the int8 microcontroller profile (256 KiB RAM, weights in
     * flash) cannot hold it, so every variant needs megabytes of RAM.
     */
    static byte[] wideClassifier(int features, int classes, int width, long seed) {
        Random r = new Random(seed);
        OnnxMl.TensorProto.Builder zeros = OnnxMl.TensorProto.newBuilder()
                .setName("Z")
                .setDataType(FLOAT)
                .addDims(1)
                .addDims(1)
                .addDims(width);
        for (int i = 0; i < width; i++) {
            zeros.addFloatData(0f);
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("wide-classifier")
                .addInitializer(floats("W", r, 0.5f, features, classes))
                .addInitializer(floats("B", r, 0.1f, classes))
                .addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("column")
                        .setDataType(INT64)
                        .addDims(3)
                        .addInt64Data(-1)
                        .addInt64Data(features)
                        .addInt64Data(1))
                .addInitializer(zeros)
                .addNode(node("Reshape", List.of("features", "column"), "column_features"))
                .addNode(node("Add", List.of("column_features", "Z"), "wide"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("ReduceMean")
                        .addInput("wide")
                        .addOutput("narrow")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("axes")
                                .setType(OnnxMl.AttributeProto.AttributeType.INTS)
                                .addInts(2))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("keepdims")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(0)))
                .addNode(node("Gemm", List.of("narrow", "W", "B"), "logits"))
                .addNode(softmax("logits", "probabilities"))
                .addInput(value("features", FLOAT, features))
                .addOutput(value("probabilities", FLOAT, classes));
        return model(g);
    }

    /**
     * Inputs {@code features} [batch, F] float, {@code state} [batch, S] float, {@code mode} [batch, 1] int64;
     * outputs {@code probabilities} [batch, C] = softmax(features W + state U + float(mode) v + b) and
     * {@code next_state} [batch, S] = tanh(state R).
     */
    static byte[] stateful(int features, int stateSize, int classes, long seed) {
        Random r = new Random(seed);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder()
                .setName("stateful")
                .addInitializer(floats("W", r, 0.5f, features, classes))
                .addInitializer(floats("U", r, 0.5f, stateSize, classes))
                .addInitializer(floats("V", r, 0.5f, 1, classes))
                .addInitializer(floats("B", r, 0.1f, classes))
                .addInitializer(floats("R", r, 0.5f, stateSize, stateSize))
                .addNode(node("Gemm", List.of("features", "W", "B"), "from_features"))
                .addNode(node("MatMul", List.of("state", "U"), "from_state"))
                .addNode(OnnxMl.NodeProto.newBuilder()
                        .setOpType("Cast")
                        .addInput("mode")
                        .addOutput("mode_f")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("to")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(FLOAT)))
                .addNode(node("MatMul", List.of("mode_f", "V"), "from_mode"))
                .addNode(node("Add", List.of("from_features", "from_state"), "sum1"))
                .addNode(node("Add", List.of("sum1", "from_mode"), "logits"))
                .addNode(softmax("logits", "probabilities"))
                .addNode(node("MatMul", List.of("state", "R"), "state_r"))
                .addNode(node("Tanh", List.of("state_r"), "next_state"))
                .addInput(value("features", FLOAT, features))
                .addInput(value("state", FLOAT, stateSize))
                .addInput(value("mode", INT64, 1))
                .addOutput(value("probabilities", FLOAT, classes))
                .addOutput(value("next_state", FLOAT, stateSize));
        return model(g);
    }

    private static byte[] model(OnnxMl.GraphProto.Builder graph) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("edgeloop-fleet-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType(op)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static OnnxMl.NodeProto softmax(String input, String output) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType("Softmax")
                .addInput(input)
                .addOutput(output)
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("axis")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(1))
                .build();
    }

    private static OnnxMl.TensorProto floats(String name, Random r, float scale, long... dims) {
        OnnxMl.TensorProto.Builder t =
                OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) {
            t.addFloatData((float) r.nextGaussian() * scale);
        }
        return t.build();
    }

    /** A [batch, cols] tensor value with a dynamic batch dimension. */
    private static OnnxMl.ValueInfoProto value(String name, int elemType, int cols) {
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("batch"))
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(cols)))))
                .build();
    }
}
