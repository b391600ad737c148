package io.edgeloop.training.domain;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.edgeloop.training.impulse.ImpulseGraph;
import io.edgeloop.training.impulse.ProcessingBlock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained network as an ONNX model (opset 13, IR version 8) with the ONNX protobuf classes of
 * tribuo-util-onnx. Graph: {@code input} float [N, ...sample shape] -> Sub(mean) -> Div(std) -> layers -> Softmax ->
 * {@code probabilities} float [N, C], with a dynamic batch dimension {@code N}. Layers map to Gemm(transB=1) (dense),
 * Conv (kernel_shape, pads, strides 1), Relu, MaxPool (kernel = strides), GlobalAveragePool + Flatten, GRU
 * and LSTM (Transpose -> GRU / LSTM -> Reshape -> Transpose, see {@link Layer.Gru}, {@link Layer.Lstm}) and the last step (Gather on axis 2). The
 * standardization constants are [F] for a flat input and [C, 1(, 1)] (per channel) for [N, C, L] / [N, C, H, W].
 *
 * <p>With a {@link ProcessingBlock}, {@code input} is the raw window [N, ...window shape]; the block's nodes (all
 * named {@code impulse/...}) come first and a Reshape ({@code impulse/network_input}) feeds their features, shaped as
 * the network's input, to Sub(mean).
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
        Map<String, String> all = new LinkedHashMap<>();
        all.put("architecture", model.architecture());
        all.put("parameter_count", Long.toString(model.parameterCount()));
        all.putAll(metadata);
        return export(
                model.processing(),
                model.standardizer(),
                model.layout(),
                model.network(),
                model.classLabels(),
                graphName,
                all);
    }

    /** Serializes an MLP given by its parts; see {@link #export(TrainedModel, String, Map)}. */
    public byte[] export(
            Standardizer standardizer,
            List<DenseLayer> layers,
            List<String> classLabels,
            String graphName,
            Map<String, String> metadata) {
        List<Layer> network = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            network.add(new Layer.Dense(layers.get(i)));
            if (i < layers.size() - 1) {
                network.add(new Layer.Relu());
            }
        }
        InputLayout layout =
                new InputLayout(DataKind.FEATURES, new int[] {layers.get(0).inputs()});
        return export(standardizer, layout, network, classLabels, graphName, metadata);
    }

    /** Serializes any network of {@link Layer}s; see {@link #export(TrainedModel, String, Map)}. */
    public byte[] export(
            Standardizer standardizer,
            InputLayout layout,
            List<Layer> network,
            List<String> classLabels,
            String graphName,
            Map<String, String> metadata) {
        return export(null, standardizer, layout, network, classLabels, graphName, metadata);
    }

    /**
     * Serializes a processing block (null = none) followed by a network of {@link Layer}s; see {@link
     * #export(TrainedModel, String, Map)}.
     */
    public byte[] export(
            ProcessingBlock block,
            Standardizer standardizer,
            InputLayout layout,
            List<Layer> network,
            List<String> classLabels,
            String graphName,
            Map<String, String> metadata) {
        int[] shape = layout.shape();
        int features = layout.featureCount();
        int[] outShape = shape;
        for (Layer l : network) {
            outShape = l.outputShape(outShape);
        }
        int classes = classLabels.size();
        if (outShape.length != 1
                || outShape[0] != classes
                || !(network.get(network.size() - 1) instanceof Layer.Dense)) {
            throw new IllegalArgumentException("the network must end in a dense layer with one output per class");
        }
        int stats = standardizer.mean().length;
        long[] statDims;
        if (shape.length == 1 && stats == features) {
            statDims = new long[] {features};
        } else if (shape.length > 1 && stats == shape[0]) {
            statDims = new long[shape.length];
            Arrays.fill(statDims, 1);
            statDims[0] = stats;
        } else {
            throw new IllegalArgumentException("standardizer of " + stats + " values does not fit input " + layout);
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(graphName);
        g.addInput(ImpulseGraph.batchedFloat(INPUT, block == null ? shape : block.inputShape()));
        g.addOutput(ImpulseGraph.batchedFloat(OUTPUT, new int[] {classes}));
        String networkInput = block == null ? INPUT : emitBlock(g, block, shape);
        g.addInitializer(tensor("feature_mean", standardizer.mean(), statDims));
        g.addInitializer(tensor("feature_std", standardizer.std(), statDims));
        g.addNode(node("Sub", "standardize_sub", List.of(networkInput, "feature_mean"), "centered"));
        g.addNode(node("Div", "standardize_div", List.of("centered", "feature_std"), "standardized"));
        String current = "standardized";
        int[] layerInput = shape;
        for (int i = 0; i < network.size(); i++) {
            Layer layer = network.get(i);
            boolean last = i == network.size() - 1;
            String out = last ? "logits" : "layer" + i;
            if (layer instanceof Layer.Dense d) {
                DenseLayer l = d.weights();
                String w = "dense" + i + "_weight";
                String b = "dense" + i + "_bias";
                g.addInitializer(tensor(w, l.weight(), l.outputs(), l.inputs()));
                g.addInitializer(tensor(b, l.bias(), l.outputs()));
                g.addNode(node("Gemm", "dense" + i, List.of(current, w, b), out).toBuilder()
                        .addAttribute(intAttribute("transB", 1))
                        .build());
            } else if (layer instanceof Layer.Conv c) {
                String w = "conv" + i + "_weight";
                String b = "conv" + i + "_bias";
                long[] wDims = c.spatialDims() == 2
                        ? new long[] {c.filters(), c.inChannels(), c.kernel(), c.kernel()}
                        : new long[] {c.filters(), c.inChannels(), c.kernel()};
                g.addInitializer(tensor(w, c.weight(), wDims));
                g.addInitializer(tensor(b, c.bias(), c.filters()));
                g.addNode(node("Conv", "conv" + i, List.of(current, w, b), out).toBuilder()
                        .addAttribute(ImpulseGraph.intsAttr("kernel_shape", repeat(c.kernel(), c.spatialDims())))
                        .addAttribute(ImpulseGraph.intsAttr("pads", repeat(c.padding(), 2 * c.spatialDims())))
                        .addAttribute(ImpulseGraph.intsAttr("strides", repeat(1, c.spatialDims())))
                        .build());
            } else if (layer instanceof Layer.MaxPool p) {
                g.addNode(node("MaxPool", "pool" + i, List.of(current), out).toBuilder()
                        .addAttribute(ImpulseGraph.intsAttr("kernel_shape", repeat(p.size(), p.spatialDims())))
                        .addAttribute(ImpulseGraph.intsAttr("strides", repeat(p.size(), p.spatialDims())))
                        .build());
            } else if (layer instanceof Layer.Gru r) {
                emitGru(g, r, "gru" + i, current, layerInput[1], out);
            } else if (layer instanceof Layer.Lstm r) {
                emitLstm(g, r, "lstm" + i, current, layerInput[1], out);
            } else if (layer instanceof Layer.LastStep) {
                String index = "last" + i + "_index";
                g.addInitializer(int64Tensor(index, new long[] {layerInput[1] - 1}));
                g.addNode(node("Gather", "last" + i, List.of(current, index), out).toBuilder()
                        .addAttribute(intAttribute("axis", 2))
                        .build());
            } else if (layer instanceof Layer.GlobalAvgPool) {
                g.addNode(node("GlobalAveragePool", "gap" + i, List.of(current), out + "_pooled"));
                g.addNode(node("Flatten", "flatten" + i, List.of(out + "_pooled"), out).toBuilder()
                        .addAttribute(intAttribute("axis", 1))
                        .build());
            } else {
                g.addNode(node("Relu", "relu" + i, List.of(current), out));
            }
            current = out;
            layerInput = layer.outputShape(layerInput);
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
                .setDocString("classifier with built-in input standardization; outputs class probabilities")
                .setGraph(g);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("class_labels", String.join(",", classLabels));
        int[] input = block == null ? shape : block.inputShape();
        props.put("feature_count", Integer.toString(Arrays.stream(input).reduce(1, (a, b) -> a * b)));
        props.put("input_name", INPUT);
        props.put("output_name", OUTPUT);
        props.put("data_kind", layout.kind().wireName());
        props.put("sample_shape", join(input));
        if (block != null) {
            props.put("impulse", block.config().block().wireName());
            props.put("impulse_block", block.describe());
            props.put("impulse_output_shape", join(block.outputShape()));
            props.put("network_input_shape", join(shape));
        }
        props.putAll(metadata);
        props.forEach((k, v) -> meta(m, k, v));
        return m.build().toByteArray();
    }

    /** The block's nodes, then a Reshape of its features to the network input [N, ...shape]; returns its output. */
    private static String emitBlock(GraphProto.Builder g, ProcessingBlock block, int[] shape) {
        String features = block.emit(g, INPUT);
        long[] dims = new long[shape.length + 1];
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        ImpulseGraph ig = new ImpulseGraph(g);
        String target = ig.constantInt64("network_input_shape", dims, dims.length);
        return ig.node("Reshape", "network_input", List.of(features, target));
    }

    /**
     * A GRU over [N, C, L]: ONNX {@code GRU} (gates reordered from PyTorch's r, z, n to ONNX's z, r, h; {@code B} =
     * input biases then recurrent biases; {@code linear_before_reset=1} as PyTorch), see {@link #emitRecurrent}.
     */
    private static void emitGru(GraphProto.Builder g, Layer.Gru r, String name, String in, int steps, String out) {
        int h = r.hidden();
        emitRecurrent(
                g,
                "GRU",
                name,
                in,
                steps,
                out,
                h,
                r.inputs(),
                onnxGates(r.inputWeight(), h, r.inputs()),
                onnxGates(r.recurrentWeight(), h, h),
                onnxGates(r.inputBias(), h, 1),
                onnxGates(r.recurrentBias(), h, 1),
                intAttribute("linear_before_reset", 1));
    }

    /**
     * An LSTM over [N, C, L]: ONNX {@code LSTM} (default activations sigmoid, tanh, tanh as PyTorch; gates reordered
     * from PyTorch's i, f, g, o to ONNX's i, o, f, c; {@code B} = input biases then recurrent biases; no peepholes),
     * see {@link #emitRecurrent}.
     */
    private static void emitLstm(GraphProto.Builder g, Layer.Lstm r, String name, String in, int steps, String out) {
        int h = r.hidden();
        emitRecurrent(
                g,
                "LSTM",
                name,
                in,
                steps,
                out,
                h,
                r.inputs(),
                onnxLstmGates(r.inputWeight(), h, r.inputs()),
                onnxLstmGates(r.recurrentWeight(), h, h),
                onnxLstmGates(r.inputBias(), h, 1),
                onnxLstmGates(r.recurrentBias(), h, 1));
    }

    /**
     * A recurrent node over [N, C, L]: Transpose to [L, N, C], the node ({@code W} [1, gates * H, C], {@code R} [1,
     * gates * H, H], {@code B} [1, 2 * gates * H], gates already in ONNX's order), its {@code Y} [L, 1, N, H]
     * reshaped to [L, N, H] and transposed back to [N, H, L] in {@code out}.
     */
    private static void emitRecurrent(
            GraphProto.Builder g,
            String op,
            String name,
            String in,
            int steps,
            String out,
            int h,
            int inputs,
            float[] w,
            float[] r,
            float[] inputBias,
            float[] recurrentBias,
            AttributeProto... attributes) {
        int gates = inputBias.length / h;
        g.addNode(node("Transpose", name + "_time_major", List.of(in), name + "_x").toBuilder()
                .addAttribute(ImpulseGraph.intsAttr("perm", new long[] {2, 0, 1}))
                .build());
        float[] bias = new float[2 * gates * h];
        System.arraycopy(inputBias, 0, bias, 0, gates * h);
        System.arraycopy(recurrentBias, 0, bias, gates * h, gates * h);
        g.addInitializer(tensor(name + "_W", w, 1, (long) gates * h, inputs));
        g.addInitializer(tensor(name + "_R", r, 1, (long) gates * h, h));
        g.addInitializer(tensor(name + "_B", bias, 1, 2L * gates * h));
        NodeProto.Builder node =
                node(op, name, List.of(name + "_x", name + "_W", name + "_R", name + "_B"), name + "_y").toBuilder()
                        .addAttribute(intAttribute("hidden_size", h));
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        g.addNode(node.build());
        g.addInitializer(int64Tensor(name + "_shape", new long[] {steps, -1, h}, 3));
        g.addNode(node("Reshape", name + "_squeeze", List.of(name + "_y", name + "_shape"), name + "_steps"));
        g.addNode(node("Transpose", name + "_channels_first", List.of(name + "_steps"), out).toBuilder()
                .addAttribute(ImpulseGraph.intsAttr("perm", new long[] {1, 2, 0}))
                .build());
    }

    /** Gate blocks ([gates * hidden, width] row-major) reordered: block k of the result = block order[k]. */
    static float[] reorder(float[] gates, int[] order, int hidden, int width) {
        int block = hidden * width;
        float[] out = new float[order.length * block];
        for (int k = 0; k < order.length; k++) {
            System.arraycopy(gates, order[k] * block, out, k * block, block);
        }
        return out;
    }

    /** PyTorch's gate blocks r, z, n ([3 * hidden, width] row-major) in ONNX's order z, r, h. */
    static float[] onnxGates(float[] pytorch, int hidden, int width) {
        return reorder(pytorch, new int[] {1, 0, 2}, hidden, width);
    }

    /** PyTorch's LSTM gate blocks i, f, g, o ([4 * hidden, width] row-major) in ONNX's order i, o, f, c. */
    static float[] onnxLstmGates(float[] pytorch, int hidden, int width) {
        return reorder(pytorch, new int[] {0, 3, 1, 2}, hidden, width);
    }

    /** An int64 tensor; no dims = a scalar. */
    private static TensorProto int64Tensor(String name, long[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        buf.flip();
        TensorProto.Builder t =
                TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(buf)).build();
    }

    private static String join(int[] dims) {
        return String.join(",", Arrays.stream(dims).mapToObj(String::valueOf).toList());
    }

    private static long[] repeat(long value, int times) {
        long[] out = new long[times];
        Arrays.fill(out, value);
        return out;
    }

    private static void meta(ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value == null ? "" : value));
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
