package io.edgeloop.compiler.domain;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How validation data feeds a model and which output is judged, from its inputs and outputs (ONNX Runtime's session
 * metadata, or the ONNX graph before the model is loaded):
 *
 * <ul>
 *   <li>Feature input: the declared one; else the only input; else the first float input of rank >= 2 whose
 *       per-sample size is the samples' feature count. Its batch dimension must be dynamic or 1; one dynamic
 *       non-batch dimension is resolved from the feature count.
 *   <li>Other inputs: filled with their declared default (0 when none); dynamic dim 0 takes the batch, other dynamic
 *       dims 1. The batch is 1 when the feature input's or another input's (rank >= 2) dim 0 is fixed to 1.
 *   <li>Class-score output: the declared one ({@link ModelIo#NO_SCORES}: none); else the first float [batch, C]
 *       output with C = the number of class labels (any C >= 2 when the labels are unknown); else, for a model with a
 *       single float [batch, C >= 2] output, that one (the caller then refuses the class-count mismatch). A model
 *       without one is judged on its first numeric output for running and finite values; accuracy does not apply.
 * </ul>
 */
public final class IoPlan {
    private IoPlan() {}

    /**
     * One input or output as the model declares it.
     *
     * @param name its name
     * @param type element type ({@link OnnxJavaType#UNKNOWN} for non-tensor values such as sequences or maps)
     * @param shape dims, {@code -1} for dynamic ones; empty for non-tensor values
     */
    public record Tensor(String name, OnnxJavaType type, long[] shape) {
        boolean isFloat() {
            return InputFeed.featureType(type);
        }

        boolean isMatrix() {
            return isFloat() && shape.length == 2 && shape[0] <= 1;
        }

        @Override
        public String toString() {
            return name + ":" + InputFeed.kserveType(type)
                    + Arrays.toString(shape).replace(" ", "");
        }
    }

    /** The tensors of ONNX Runtime's input or output metadata, in the model's order. */
    public static List<Tensor> of(Map<String, NodeInfo> infos) {
        List<Tensor> list = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            if (n.getInfo() instanceof TensorInfo ti) {
                list.add(new Tensor(n.getName(), ti.type, ti.getShape()));
            } else {
                list.add(new Tensor(n.getName(), OnnxJavaType.UNKNOWN, new long[0]));
            }
        }
        return list;
    }

    /** The graph inputs that are not initializers, as ONNX declares them (symbolic or missing dims are -1). */
    public static List<Tensor> graphInputs(OnnxMl.ModelProto model) {
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<Tensor> list = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : model.getGraph().getInputList()) {
            if (!initializers.contains(v.getName())) {
                list.add(graphTensor(v));
            }
        }
        return list;
    }

    static Tensor graphTensor(OnnxMl.ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return new Tensor(v.getName(), OnnxJavaType.UNKNOWN, new long[0]);
        }
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        OnnxJavaType type = javaType(t.getElemType());
        long[] dims = new long[t.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return new Tensor(v.getName(), type, dims);
    }

    /** The ONNX Runtime element type of an ONNX {@code TensorProto.DataType} ({@code UNKNOWN} for others). */
    static OnnxJavaType javaType(int onnxElemType) {
        return switch (OnnxMl.TensorProto.DataType.forNumber(onnxElemType) == null
                ? OnnxMl.TensorProto.DataType.UNDEFINED
                : OnnxMl.TensorProto.DataType.forNumber(onnxElemType)) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            case STRING -> OnnxJavaType.STRING;
            default -> OnnxJavaType.UNKNOWN;
        };
    }

    /**
     * The feeds of {@code inputs} for samples of {@code featureCount} features.
     *
     * @param model how the model is named in messages
     * @throws InvalidModelException when an input cannot be fed at all
     * @throws CompilationFailure when the samples or the declaration do not fit the model
     */
    public static List<InputFeed> feeds(String model, List<Tensor> inputs, ModelIo io, int featureCount) {
        if (inputs.isEmpty()) {
            throw new InvalidModelException(model + " has no inputs");
        }
        for (String name : io.inputDefaults().keySet()) {
            if (inputs.stream().noneMatch(t -> t.name().equals(name))) {
                throw new CompilationFailure(
                        "inputDefaults names '" + name + "', which is not an input of " + model + " " + inputs);
            }
        }
        Tensor feature = featureInput(model, inputs, io, featureCount);
        if (io.inputDefaults().containsKey(feature.name())) {
            throw new CompilationFailure("inputDefaults names '" + feature.name() + "', the feature input of " + model);
        }
        List<InputFeed> feeds = new ArrayList<>();
        for (Tensor t : inputs) {
            if (t == feature) {
                feeds.add(new InputFeed(t.name(), t.type(), featureDims(model, t, featureCount), true, 0));
            } else if (!InputFeed.fillable(t.type())) {
                throw new InvalidModelException(model + " input '" + t.name() + "' is " + t
                        + "; validation data can only fill numeric and boolean tensors");
            } else {
                feeds.add(new InputFeed(
                        t.name(), t.type(), t.shape(), false, io.inputDefaults().getOrDefault(t.name(), 0.0)));
            }
        }
        return List.copyOf(feeds);
    }

    private static Tensor featureInput(String model, List<Tensor> inputs, ModelIo io, int featureCount) {
        if (!io.featureInput().isEmpty()) {
            return inputs.stream()
                    .filter(t -> t.name().equals(io.featureInput()))
                    .findFirst()
                    .orElseThrow(() -> new CompilationFailure(
                            "featureInput '" + io.featureInput() + "' is not an input of " + model + " " + inputs));
        }
        if (inputs.size() == 1) {
            return inputs.get(0);
        }
        return inputs.stream()
                .filter(t -> InputFeed.featureType(t.type()) && t.shape().length >= 2)
                .filter(t -> fits(t.shape(), featureCount))
                .findFirst()
                .orElseThrow(() -> new CompilationFailure(model + " has inputs " + inputs + " and none is a float"
                        + " tensor [batch, ...] of the samples' " + featureCount + " features; declare featureInput"));
    }

    private static boolean fits(long[] shape, int featureCount) {
        try {
            resolve(shape, featureCount);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long[] featureDims(String model, Tensor t, int featureCount) {
        if (!InputFeed.featureType(t.type())) {
            throw new InvalidModelException(
                    model + " input '" + t.name() + "' is " + t + "; a float feature tensor is expected");
        }
        if (t.shape().length < 2) {
            throw new InvalidModelException(model + " input '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                    + "; [batch, features...] is expected");
        }
        if (t.shape()[0] > 1) {
            throw new InvalidModelException(model + " has a fixed batch dimension of " + t.shape()[0] + " on input '"
                    + t.name() + "'; 1 or dynamic is expected");
        }
        long dynamic = Arrays.stream(t.shape()).skip(1).filter(d -> d <= 0).count();
        if (dynamic > 1) {
            throw new InvalidModelException(model + " input '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                    + "; only the batch and one other dimension may be dynamic");
        }
        try {
            return resolve(t.shape(), featureCount);
        } catch (IllegalArgumentException e) {
            throw new CompilationFailure(model + " input '" + t.name() + "' " + e.getMessage()
                    + " but validation samples have " + featureCount + " features");
        }
    }

    /** {@code shape} with its one dynamic non-batch dim (if any) set so that a sample holds {@code featureCount}. */
    private static long[] resolve(long[] shape, int featureCount) {
        long known = 1;
        int dynamicAt = -1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0) {
                if (dynamicAt >= 0) {
                    throw new IllegalArgumentException("has two dynamic sample dims");
                }
                dynamicAt = i;
            } else {
                known *= shape[i];
            }
        }
        long[] dims = shape.clone();
        if (dynamicAt >= 0 && known > 0 && featureCount % known == 0) {
            dims[dynamicAt] = featureCount / known;
        } else if (known != featureCount || dynamicAt >= 0) {
            throw new IllegalArgumentException("takes " + known + " values per sample "
                    + Arrays.toString(shape).replace(" ", ""));
        }
        return dims;
    }

    /** Samples per run: 1 when an input's (rank >= 2) dim 0 is fixed to 1, else {@code batchSize}. */
    public static int batch(List<InputFeed> feeds, int batchSize) {
        for (InputFeed f : feeds) {
            if (f.shape().length >= 2 && f.shape()[0] == 1) {
                return 1;
            }
        }
        return batchSize;
    }

    /** The class-score output (see the class comment); empty when the model has none. */
    public static Optional<Tensor> scoreOutput(String model, List<Tensor> outputs, ModelIo io, int labels) {
        if (io.noScores()) {
            return Optional.empty();
        }
        if (!io.scoreOutput().isEmpty()) {
            Tensor t = outputs.stream()
                    .filter(o -> o.name().equals(io.scoreOutput()))
                    .findFirst()
                    .orElseThrow(() -> new CompilationFailure(
                            "scoreOutput '" + io.scoreOutput() + "' is not an output of " + model + " " + outputs));
            if (!t.isMatrix()) {
                throw new CompilationFailure("scoreOutput '" + t.name() + "' of " + model + " is " + t
                        + "; class scores are a float [batch, classes] tensor");
            }
            return Optional.of(t);
        }
        for (Tensor t : outputs) {
            if (t.isMatrix() && (labels > 0 ? t.shape()[1] == labels : t.shape()[1] >= 2 || t.shape()[1] <= 0)) {
                return Optional.of(t);
            }
        }
        if (outputs.size() == 1 && outputs.get(0).isMatrix() && outputs.get(0).shape()[1] != 1) {
            return Optional.of(outputs.get(0));
        }
        return Optional.empty();
    }

    /** The first output with numeric values (judged when the model has no class-score output). */
    public static Tensor firstNumericOutput(String model, List<Tensor> outputs) {
        return outputs.stream()
                .filter(o -> InputFeed.fillable(o.type()))
                .findFirst()
                .orElseThrow(() -> new InvalidModelException(model + " has no numeric tensor output among " + outputs));
    }

    /**
     * What the first output means: {@code classification} (float [batch, C], C = the number of class labels, or
     * C >= 2 when they are unknown), {@code regression} (float [batch, 1]), {@code embedding} (any other float
     * [batch, D]), otherwise {@code tensor}.
     */
    public static String outputKind(List<Tensor> outputs, int labels) {
        if (outputs.isEmpty() || !outputs.get(0).isMatrix()) {
            return "tensor";
        }
        long c = outputs.get(0).shape()[1];
        if (labels > 0 ? c == labels : c >= 2) {
            return "classification";
        }
        return c == 1 ? "regression" : "embedding";
    }
}
