package io.edgeloop.agent.domain;

/** A request named a model (or version) other than the one this device serves (gRPC NOT_FOUND). */
public class ModelNotServedException extends RuntimeException {
    public ModelNotServedException(String message) {
        super(message);
    }
}
