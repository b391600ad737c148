package io.edgeloop.agent.domain;

/** ONNX Runtime failed to run a valid input. */
public class InferenceFailedException extends RuntimeException {
    private final transient ModelDescriptor model;

    public InferenceFailedException(ModelDescriptor model, Throwable cause) {
        super(
                "inference failed on " + model.modelName() + " v" + model.modelVersion() + ": " + cause.getMessage(),
                cause);
        this.model = model;
    }

    /** The model that failed. */
    public ModelDescriptor model() {
        return model;
    }
}
