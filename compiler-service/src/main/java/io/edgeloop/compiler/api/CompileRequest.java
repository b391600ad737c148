package io.edgeloop.compiler.api;

/**
 * Body of {@code POST /compilations}.
 *
 * @param modelName registered model name
 * @param modelVersion registered version (>= 1)
 */
public record CompileRequest(String modelName, Integer modelVersion) {}
