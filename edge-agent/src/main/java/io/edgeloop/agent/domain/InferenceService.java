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
}
