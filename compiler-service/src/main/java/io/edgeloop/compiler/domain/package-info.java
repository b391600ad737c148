/**
 * The compiler itself: ONNX Runtime graph optimization into deployable variants ({@link
 * io.edgeloop.compiler.domain.OnnxOptimizer}), validation of each variant against the float model ({@link
 * io.edgeloop.compiler.domain.ModelEvaluator}, {@link io.edgeloop.compiler.domain.VariantValidator}), the peak memory
 * of each model's session measured in a child JVM ({@link io.edgeloop.compiler.domain.SessionMemoryProbe}) and the
 * orchestration with the registry, the data service, the database and the outbox ({@link
 * io.edgeloop.compiler.domain.CompilationService}).
 */
package io.edgeloop.compiler.domain;
