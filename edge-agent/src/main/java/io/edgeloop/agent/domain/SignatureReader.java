package io.edgeloop.agent.domain;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@link ModelSignature} from ONNX Runtime's metadata of a session and the descriptor (the assignment's
 * signature spec and class labels).
 *
 * <ul>
 *   <li>Every input must be a tensor of a supported {@link DataType}; outputs that are not (e.g. ONNX-ML ZipMap
 *       sequences of maps) are not served, and at least one output must be.
 *   <li>Feature input: the descriptor's {@code featureInput}, else the first input. A dynamic feature dimension of a
 *       {@code [batch, F]} input is resolved with the descriptor's feature count.
 *   <li>Class labels: the descriptor's (the registry's), else the model's {@code class_labels} metadata.
 *   <li>Classification view: with output kind "classification", or a blank kind and labels, on the output named
 *       {@code probabilities} (else the first output), which must be a float {@code [batch, C]} tensor with C equal to
 *       the number of labels; none for the kinds "regression", "embedding" and "tensor" or without labels.
 * </ul>
 */
final class SignatureReader {
    private SignatureReader() {}

    static ModelSignature read(OrtSession session, ModelDescriptor d) throws OrtException, InvalidModelException {
        List<TensorSpec> inputs = new ArrayList<>();
        for (NodeInfo node : session.getInputInfo().values()) {
            TensorInfo info = LoadedModel.tensorInfo(node);
            DataType type = info == null ? null : DataType.of(info.type).orElse(null);
            if (type == null) {
                throw new InvalidModelException("model input " + node.getName() + " is "
                        + (info == null ? "not a tensor" : "of type " + info.type)
                        + ", which this device cannot feed (supported: " + DataType.NAMES + ")");
            }
            inputs.add(new TensorSpec(node.getName(), type, info.getShape()));
        }
        if (inputs.isEmpty()) {
            throw new InvalidModelException("model has no inputs");
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (NodeInfo node : session.getOutputInfo().values()) {
            TensorInfo info = LoadedModel.tensorInfo(node);
            if (info != null) {
                DataType.of(info.type).ifPresent(t -> outputs.add(new TensorSpec(node.getName(), t, info.getShape())));
            }
        }
        if (outputs.isEmpty()) {
            throw new InvalidModelException("model has no tensor output of a supported datatype " + DataType.NAMES);
        }
        TensorSpec feature = inputs.get(0);
        if (!d.featureInput().isBlank()) {
            feature = inputs.stream()
                    .filter(i -> i.name().equals(d.featureInput()))
                    .findFirst()
                    .orElseThrow(() -> new InvalidModelException(
                            "feature input '" + d.featureInput() + "' is not an input of the model "
                                    + inputs.stream().map(TensorSpec::name).toList()));
        }
        long sample = feature.sampleElements();
        if (sample < 0 && feature.rank() == 2 && feature.batched() && d.featureCount() > 0) {
            sample = d.featureCount();
        }
        if (sample > Integer.MAX_VALUE) {
            throw new InvalidModelException("feature input " + feature + " is too large");
        }
        List<String> labels = d.classLabels();
        if (labels.isEmpty()) {
            labels = session.getMetadata()
                    .getCustomMetadataValue(LoadedModel.CLASS_LABELS_KEY)
                    .filter(s -> !s.isBlank())
                    .map(s -> Arrays.stream(s.split(",")).map(String::trim).toList())
                    .orElse(List.of());
        }
        Classification c = classification(d.outputKind(), outputs, labels);
        return new ModelSignature(d, inputs, outputs, feature, (int) sample, c);
    }

    private static Classification classification(String kind, List<TensorSpec> outputs, List<String> labels)
            throws InvalidModelException {
        boolean declared = kind.equals("classification");
        if (!(declared || kind.isBlank())) {
            return null;
        }
        TensorSpec out = outputs.stream()
                .filter(o -> o.name().equals("probabilities"))
                .findFirst()
                .orElse(outputs.get(0));
        boolean floatMatrix = out.datatype().floating() && out.rank() == 2;
        long classes = floatMatrix ? out.dim(1) : -1;
        if (!declared && (labels.isEmpty() || !floatMatrix)) {
            return null; // no labels: raw tensors; labels but no score matrix: not a classifier
        }
        if (!floatMatrix) {
            throw new InvalidModelException(
                    "output_kind is classification but output " + out + " is not a float [batch, classes] tensor");
        }
        if (labels.isEmpty()) {
            if (classes <= 0) {
                throw new InvalidModelException("classifier output " + out + " has a dynamic class dimension and"
                        + " no class labels are known");
            }
            List<String> generated = new ArrayList<>();
            for (int i = 0; i < classes; i++) {
                generated.add("class-" + i);
            }
            labels = generated;
        }
        if (classes > 0 && labels.size() != classes) {
            throw new InvalidModelException(
                    "model has " + classes + " output classes but " + labels.size() + " class labels " + labels);
        }
        return new Classification(out.name(), labels);
    }
}
