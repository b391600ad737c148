package io.edgeloop.agent.domain;

/**
 * The one inference path, shared by the REST API and the simulator: runs the active model and feeds the telemetry
 * window with the outcome.
 */
public final class InferenceService {
    private final ModelRuntime runtime;
    private final TelemetryAccumulator telemetry;

    public InferenceService(ModelRuntime runtime, TelemetryAccumulator telemetry) {
        this.runtime = runtime;
        this.telemetry = telemetry;
    }

    /**
     * Classifies one input.
     *
     * @throws NoModelException when no model is loaded
     * @throws InvalidInputException when the input does not fit the model (counted as an error)
     * @throws InferenceFailedException when ONNX Runtime fails (counted as an error)
     */
    public Prediction infer(float[] features) {
        try {
            Prediction p = runtime.infer(features);
            telemetry.record(p.model(), features, p.label(), p.latencyUs());
            return p;
        } catch (InvalidInputException e) {
            telemetry.recordError(e.model());
            throw e;
        } catch (InferenceFailedException e) {
            telemetry.recordError(e.model());
            throw e;
        }
    }

    /**
     * Runs a batch on the active model, which must be {@code modelName} (and {@code modelVersion} unless blank);
     * each row counts as one inference in the telemetry window (latency: the batch's share per row).
     *
     * @throws NoModelException when no model is loaded
     * @throws ModelNotServedException when another model is active
     * @throws InvalidInputException when the input does not fit the model (counted as an error)
     * @throws InferenceFailedException when ONNX Runtime fails (counted as an error)
     */
    public BatchPrediction inferBatch(String modelName, String modelVersion, float[] data, int rows) {
        try {
            BatchPrediction p = runtime.inferBatch(modelName, modelVersion, data, rows);
            int f = p.model().featureCount();
            long perRow = p.latencyUs() / p.rows();
            for (int r = 0; r < p.rows(); r++) {
                telemetry.record(
                        p.model().descriptor(),
                        java.util.Arrays.copyOfRange(data, r * f, (r + 1) * f),
                        p.labels().get(r),
                        perRow);
            }
            return p;
        } catch (InvalidInputException e) {
            telemetry.recordError(e.model());
            throw e;
        } catch (InferenceFailedException e) {
            telemetry.recordError(e.model());
            throw e;
        }
    }
}
