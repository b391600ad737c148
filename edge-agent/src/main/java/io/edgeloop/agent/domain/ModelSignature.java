package io.edgeloop.agent.domain;

import java.util.List;
import java.util.Optional;

/**
 * What a loaded model looks like from outside, read from ONNX Runtime's metadata: identity, every input and output
 * (name, datatype, shape with -1 for dynamic dimensions), the feature input and the elements of one of its samples,
 * and the classification view when the model is a classifier.
 *
 * @param featureInput the input that carries the features (telemetry statistics, the simulator, REST {@code /infer})
 * @param featureCount elements of one sample of the feature input; -1 when a dimension is dynamic and unknown
 * @param classification the classification view, null when the outputs are not class scores
 */
public record ModelSignature(
        ModelDescriptor descriptor,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        TensorSpec featureInput,
        int featureCount,
        Classification classification) {
    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The input named {@code name}. */
    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The output named {@code name}. */
    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** Class labels in output order; empty when the model is not a classifier. */
    public List<String> labels() {
        return classification == null ? List.of() : classification.labels();
    }

    /** What the outputs mean: "classification" when there is a classification view, else the descriptor's kind. */
    public String outputKind() {
        if (classification != null) {
            return "classification";
        }
        String kind = descriptor.outputKind();
        return kind.isBlank() || kind.equals("classification") ? "tensor" : kind;
    }

    /** The shape of a batch of {@code batch} feature samples (dynamic dimensions resolved), or null if unknown. */
    public long[] featureShape(int batch) {
        if (featureCount < 0) {
            return null;
        }
        long[] s = featureInput.shape();
        if (s.length == 0) {
            return s;
        }
        if (featureInput.batched()) {
            s[0] = batch;
        }
        for (int i = featureInput.batched() ? 1 : 0; i < s.length; i++) {
            if (s[i] < 0) {
                s[i] = featureCount; // only one dynamic dimension can be resolved: [batch, F]
            }
        }
        return s;
    }
}
