package io.edgeloop.agent.domain;

import java.util.List;

/** Inference input that does not fit the active model (wrong feature count, non-finite values). */
public class InvalidInputException extends RuntimeException {
    private final transient ModelDescriptor model;
    private final List<InputProblem> problems;

    public InvalidInputException(ModelDescriptor model, List<InputProblem> problems) {
        super("invalid input for " + model.modelName() + " v" + model.modelVersion() + ": " + problems);
        this.model = model;
        this.problems = List.copyOf(problems);
    }

    /** The model the input was checked against. */
    public ModelDescriptor model() {
        return model;
    }

    public List<InputProblem> problems() {
        return problems;
    }
}
