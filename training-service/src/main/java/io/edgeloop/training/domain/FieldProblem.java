package io.edgeloop.training.domain;

/**
 * One invalid input field.
 *
 * @param field JSON path of the field, e.g. {@code spec.hiddenUnits[1]}
 * @param message what is wrong
 */
public record FieldProblem(String field, String message) {}
