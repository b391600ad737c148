package io.edgeloop.training.domain;

import java.util.List;

/**
 * A requested spec that cannot work with the data set it names, found at submission (e.g. an impulse frame longer
 * than the data set's windows). The REST layer answers 422 with the problems.
 */
public final class InvalidSpecException extends IllegalArgumentException {
    private final transient List<FieldProblem> problems;

    /** @param problems what is wrong, field by field (at least one) */
    public InvalidSpecException(List<FieldProblem> problems) {
        super(String.join(
                "; ", problems.stream().map(p -> p.field() + " " + p.message()).toList()));
        this.problems = List.copyOf(problems);
    }

    /** The problems, field by field. */
    public List<FieldProblem> problems() {
        return problems;
    }
}
