package io.edgeloop.agent.domain;

/** No model is loaded yet (HTTP 503). */
public class NoModelException extends RuntimeException {
    public NoModelException() {
        super("no model is loaded yet: waiting for an assignment from the deployment service");
    }
}
