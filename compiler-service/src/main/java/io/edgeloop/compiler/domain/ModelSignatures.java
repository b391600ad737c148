package io.edgeloop.compiler.domain;

import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@link ModelSignature} of a model artifact: inputs and outputs as ONNX Runtime reports them (KServe v2
 * datatypes, {@code -1} for dynamic dims), the default-domain opset and the other operator domains its graph uses,
 * the output kind ({@link IoPlan#outputKind}), the feature input and the other inputs' defaults. Also written as
 * compact registry settings.
 */
public final class ModelSignatures {
    private ModelSignatures() {}

    /** The signature of a model evaluated as {@code e}. */
    public static ModelSignature of(ModelEvaluation e, int opset, Collection<String> opDomains, int labels) {
        ModelSignature.Builder b = ModelSignature.newBuilder()
                .setOpset(opset)
                .addAllOpDomains(opDomains)
                .setOutputKind(IoPlan.outputKind(e.outputTensors(), labels))
                .setFeatureInput(e.inputName());
        e.inputTensors().forEach(t -> b.addInputs(spec(t)));
        e.outputTensors().forEach(t -> b.addOutputs(spec(t)));
        for (InputFeed f : e.feeds()) {
            if (!f.feature()) {
                b.putInputDefaults(f.name(), f.fill());
            }
        }
        return b.build();
    }

    static TensorSpec spec(IoPlan.Tensor t) {
        TensorSpec.Builder s = TensorSpec.newBuilder().setName(t.name()).setDatatype(InputFeed.kserveType(t.type()));
        for (long d : t.shape()) {
            s.addShape(d <= 0 ? -1 : d);
        }
        return s.build();
    }

    /**
     * Registry settings of a signature: {@code inputs} and {@code outputs} ({@code name:TYPE[dims]} separated by
     * {@code ;}), {@code output_kind}, {@code feature_input}, {@code op_domains} and {@code input_defaults}
     * ({@code name=value;...}) when there are any.
     */
    public static Map<String, String> settings(ModelSignature s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inputs", compact(s.getInputsList()));
        m.put("outputs", compact(s.getOutputsList()));
        m.put("output_kind", s.getOutputKind());
        m.put("feature_input", s.getFeatureInput());
        if (s.getOpDomainsCount() > 0) {
            m.put("op_domains", String.join(",", s.getOpDomainsList()));
        }
        if (!s.getInputDefaultsMap().isEmpty()) {
            m.put("input_defaults", ModelIo.compact(s.getInputDefaultsMap()));
        }
        return m;
    }

    static String compact(List<TensorSpec> specs) {
        return specs.stream()
                .map(t -> t.getName() + ":" + t.getDatatype()
                        + t.getShapeList().stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(";"));
    }
}
