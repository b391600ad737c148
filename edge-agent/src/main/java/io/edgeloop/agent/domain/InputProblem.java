package io.edgeloop.agent.domain;

/**
 * One thing wrong with an inference input.
 *
 * @param field where, e.g. {@code features[3]}
 * @param message what
 */
public record InputProblem(String field, String message) {}
