package io.edgeloop.deployment.domain;

import java.util.List;

/** A policy that cannot be stored; each problem names its field (answered as 422 over REST). */
public class InvalidPolicyException extends RuntimeException {
    /** One invalid field. */
    public record FieldProblem(String field, String message) {}

    private final transient List<FieldProblem> problems;

    public InvalidPolicyException(List<FieldProblem> problems) {
        super(String.join(
                "; ", problems.stream().map(p -> p.field() + ": " + p.message()).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
