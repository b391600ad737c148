package io.edgeloop.agent.domain;

/** No model is loaded: none was assigned yet, or the assigned one was unloaded (HTTP 503, gRPC UNAVAILABLE). */
public class NoModelException extends RuntimeException {
    public NoModelException() {
        super("no model is loaded: waiting for an assignment from the deployment service");
    }
}
