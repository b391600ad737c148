package io.edgeloop.registry.domain;

import java.util.List;

/** A registry request that cannot be served; {@link Kind} says why, the adapters map it to gRPC or HTTP. */
public class RegistryException extends RuntimeException {
    /** Why a request failed. */
    public enum Kind {
        /** Malformed or invalid input ({@link #errors()} lists every problem). */
        INVALID,
        /** The model, version or artifact asked for does not exist. */
        NOT_FOUND,
        /** The request is valid but refers to something missing (e.g. an artifact not uploaded yet). */
        FAILED_PRECONDITION
    }

    private final Kind kind;
    private final List<String> errors;

    public RegistryException(Kind kind, String message, List<String> errors) {
        super(message);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public static RegistryException invalid(List<String> errors) {
        return new RegistryException(Kind.INVALID, "invalid request: " + String.join("; ", errors), errors);
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(Kind.NOT_FOUND, message, List.of());
    }

    public static RegistryException failedPrecondition(String message) {
        return new RegistryException(Kind.FAILED_PRECONDITION, message, List.of());
    }

    public Kind kind() {
        return kind;
    }

    /** Individual problems of an {@link Kind#INVALID} request, each prefixed with the field name. */
    public List<String> errors() {
        return errors;
    }
}
