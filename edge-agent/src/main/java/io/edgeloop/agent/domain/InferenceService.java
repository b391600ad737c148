package io.edgeloop.agent.domain;

import java.util.List;
import java.util.Map;

/**
 * The one inference path, shared by the REST APIs, the KServe v2 gRPC API and the simulator: runs a served model and
 * feeds the telemetry window of that model and traffic source with the outcome. Input the model refuses counts as a
 * client error, a failure of the model or runtime as an error.
 */
public final class InferenceService {
    private final ModelRuntime runtime;
    private final TelemetryAccumulator telemetry;

    public InferenceService(ModelRuntime runtime, TelemetryAccumulator telemetry) {
        this.runtime = runtime;
        this.telemetry = telemetry;
    }

    public ModelRuntime runtime() {
        return runtime;
    }

    /** Runs one live sample (flat feature elements) on the default model; see {@link #infer(String, float[], String)}. */
    public Prediction infer(float[] features) {
        return infer(null, features, TelemetryAccumulator.LIVE);
    }

    /**
     * Runs one sample given as the flat elements of the feature input on {@code model} (null = the default model).
     *
     * @throws NoModelException when no model is loaded
     * @throws ModelNotServedException when {@code model} is not served
     * @throws InvalidInputException when the input does not fit the model (a client error)
     * @throws InferenceFailedException when ONNX Runtime fails (an error)
     */
    public Prediction infer(String model, float[] features, String source) {
        return counted(source, () -> {
            Prediction p = model == null ? runtime.infer(features) : runtime.infer(model, features);
            telemetry.record(p.model(), source, features, p.label(), p.latencyUs());
            return p;
        });
    }

    /**
     * Runs named input tensors on {@code modelName} (and {@code modelVersion} unless blank); each sample of the batch
     * counts as one inference in telemetry (latency: the batch's share per sample).
     *
     * @throws NoModelException when no model is loaded
     * @throws ModelNotServedException when that model or version is not served
     * @throws InvalidInputException when the input does not fit the model (a client error)
     * @throws InferenceFailedException when ONNX Runtime fails (an error)
     */
    public InferenceResult run(
            String modelName,
            String modelVersion,
            Map<String, Tensor> inputs,
            List<String> requestedOutputs,
            String source) {
        return counted(source, () -> {
            InferenceResult r = runtime.run(modelName, modelVersion, inputs, requestedOutputs);
            record(r, source);
            return r;
        });
    }

    /** Runs {@code call}, counting refused input as a client error and a runtime failure as an error of its model. */
    private <T> T counted(String source, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidInputException e) {
            telemetry.recordClientError(e.model(), source);
            throw e;
        } catch (InferenceFailedException e) {
            telemetry.recordError(e.model(), source);
            throw e;
        }
    }

    private void record(InferenceResult r, String source) {
        Tensor f = r.features();
        int n = f.size() / Math.max(1, r.batch());
        long perSample = r.latencyUs() / Math.max(1, r.batch());
        ModelDescriptor d = r.model().descriptor();
        for (int s = 0; s < r.batch(); s++) {
            String label = r.labels().isEmpty() ? null : r.labels().get(s);
            telemetry.record(d, source, f.floats(s * n, n), label, perSample);
        }
    }
}
