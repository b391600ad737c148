package io.edgeloop.agent.domain;

/** A model file that cannot serve this agent's inference contract (input [1, F] float, output [1, C]). */
public class InvalidModelException extends Exception {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
