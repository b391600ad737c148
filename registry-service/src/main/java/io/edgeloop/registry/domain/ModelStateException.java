package io.edgeloop.registry.domain;

import java.util.List;

/**
 * A change of a whole model that its state does not allow ({@link RegistryException.Kind#FAILED_PRECONDITION}, so
 * adapters that know nothing of it answer as for any failed precondition); {@link #reason()} says which, for the
 * adapters that answer each differently (MLflow: RESOURCE_ALREADY_EXISTS or INVALID_STATE).
 */
public class ModelStateException extends RegistryException {
    /** Why the change was refused. */
    public enum Reason {
        /** A model of the new name exists already. */
        NAME_TAKEN,
        /** A version is in use (aliased, being rolled out or running on devices). */
        IN_USE,
        /** The model has (or had) versions, which other services refer to by the model's name. */
        HAS_VERSIONS
    }

    private final Reason reason;

    public ModelStateException(Reason reason, String message) {
        super(Kind.FAILED_PRECONDITION, message, List.of());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
