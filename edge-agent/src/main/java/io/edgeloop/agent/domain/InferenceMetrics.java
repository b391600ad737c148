package io.edgeloop.agent.domain;

/**
 * Where the inference path counts what it did, for the agent's own metrics (a plain interface: the domain does not
 * depend on a metrics library). Only served models are named, so the set of label values stays bounded.
 */
public interface InferenceMetrics {
    /** Counts nothing (metrics off, and in tests that do not look at metrics). */
    InferenceMetrics NONE = new InferenceMetrics() {
        @Override
        public void inference(String model, String source, int samples, long latencyUs) {}

        @Override
        public void error(String model, ErrorKind kind) {}
    };

    /** Who an inference error is due to. */
    enum ErrorKind {
        /** The caller's input did not fit the model (REST 422 / KServe 400 / gRPC INVALID_ARGUMENT). */
        INPUT,
        /** ONNX Runtime failed (500 / INTERNAL). */
        RUNTIME
    }

    /**
     * One successful call on {@code model}.
     *
     * @param source telemetry source: {@code live}, {@code simulator} or {@code synthetic}
     * @param samples samples in the call's batch
     * @param latencyUs the call's time in ONNX Runtime
     */
    void inference(String model, String source, int samples, long latencyUs);

    /** One failed call on {@code model} (a model the agent serves). */
    void error(String model, ErrorKind kind);
}
