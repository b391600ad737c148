package io.edgeloop.agent.domain;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one inference path, shared by the REST APIs, the KServe v2 gRPC API and the simulator: runs a served model and
 * feeds the telemetry window of that model and traffic source with the outcome. Input the model refuses counts as a
 * client error, a failure of the model or runtime as an error. Every inference has an id (the caller's, else a new
 * UUID): telemetry itemizes classified inferences by it, so that ground truth can later be joined with them.
 */
public final class InferenceService {
    private final ModelRuntime runtime;
    private final TelemetryAccumulator telemetry;
    private final InferenceMetrics metrics;

    public InferenceService(ModelRuntime runtime, TelemetryAccumulator telemetry) {
        this(runtime, telemetry, InferenceMetrics.NONE);
    }

    /** As {@link #InferenceService(ModelRuntime, TelemetryAccumulator)}, also counting into {@code metrics}. */
    public InferenceService(ModelRuntime runtime, TelemetryAccumulator telemetry, InferenceMetrics metrics) {
        this.runtime = runtime;
        this.telemetry = telemetry;
        this.metrics = metrics;
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
        return infer(model, features, source, newInferenceId());
    }

    /**
     * {@link #infer(String, float[], String)} under the given inference id (telemetry itemizes the inference by it).
     */
    public Prediction infer(String model, float[] features, String source, String inferenceId) {
        return counted(source, () -> {
            Prediction p = model == null ? runtime.infer(features) : runtime.infer(model, features);
            boolean classified = p.label() != null && p.probabilities() != null && p.classIndex() >= 0;
            telemetry.record(
                    p.model(),
                    source,
                    features,
                    new TelemetryAccumulator.Outcome(
                            inferenceId,
                            p.label(),
                            classified ? p.classIndex() : -1,
                            classified ? p.probabilities()[p.classIndex()] : 0f),
                    p.latencyUs());
            metrics.inference(p.model().modelName(), source, 1, p.latencyUs());
            return p;
        });
    }

    /** Longest inference id a caller may give (monitoring keeps ids of up to 255 characters). */
    public static final int MAX_INFERENCE_ID = 200;

    /**
     * Why {@code id}, given by a caller for its inference, cannot be used (blank, longer than
     * {@value #MAX_INFERENCE_ID} characters, or holding control characters), or null when it can.
     */
    public static String inferenceIdProblem(String id) {
        if (id.isBlank() || id.length() > MAX_INFERENCE_ID) {
            return "must be 1 to " + MAX_INFERENCE_ID + " characters, not blank";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return "must not contain control characters";
            }
        }
        return null;
    }

    /** A new inference id (a random UUID). */
    public static String newInferenceId() {
        return UUID.randomUUID().toString();
    }

    /**
     * The id of sample {@code sample} of a batch of {@code batch} run under {@code inferenceId}: the id itself for a
     * single sample, {@code "<id>/<sample>"} within a larger batch.
     */
    public static String sampleId(String inferenceId, int sample, int batch) {
        return batch == 1 ? inferenceId : inferenceId + "/" + sample;
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
        return run(modelName, modelVersion, inputs, requestedOutputs, source, newInferenceId());
    }

    /**
     * {@link #run(String, String, Map, List, String)} under the given inference id: sample {@code i} of the batch is
     * itemized in telemetry as {@link #sampleId sampleId(inferenceId, i, batch)}.
     */
    public InferenceResult run(
            String modelName,
            String modelVersion,
            Map<String, Tensor> inputs,
            List<String> requestedOutputs,
            String source,
            String inferenceId) {
        return counted(source, () -> {
            InferenceResult r = runtime.run(modelName, modelVersion, inputs, requestedOutputs);
            record(r, source, inferenceId);
            metrics.inference(r.model().descriptor().modelName(), source, r.batch(), r.latencyUs());
            return r;
        });
    }

    /** Runs {@code call}, counting refused input as a client error and a runtime failure as an error of its model. */
    private <T> T counted(String source, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidInputException e) {
            telemetry.recordClientError(e.model(), source);
            metrics.error(e.model().modelName(), InferenceMetrics.ErrorKind.INPUT);
            throw e;
        } catch (InferenceFailedException e) {
            telemetry.recordError(e.model(), source);
            metrics.error(e.model().modelName(), InferenceMetrics.ErrorKind.RUNTIME);
            throw e;
        }
    }

    private void record(InferenceResult r, String source, String inferenceId) {
        Tensor f = r.features();
        int n = f.size() / Math.max(1, r.batch());
        long perSample = r.latencyUs() / Math.max(1, r.batch());
        ModelDescriptor d = r.model().descriptor();
        for (int s = 0; s < r.batch(); s++) {
            String label = r.labels().isEmpty() ? null : r.labels().get(s);
            boolean classified = label != null && r.classified(s);
            telemetry.record(
                    d,
                    source,
                    f.floats(s * n, n),
                    new TelemetryAccumulator.Outcome(
                            sampleId(inferenceId, s, r.batch()),
                            label,
                            classified ? r.classIndices()[s] : -1,
                            classified ? r.confidences()[s] : 0f),
                    perSample);
        }
    }
}
