/**
 * The device runtime: the model store on disk, the atomically swapped ONNX Runtime session, verified model updates,
 * the inference path, telemetry windows and the sensor simulator. Network access is behind small interfaces
 * ({@link io.edgeloop.agent.domain.ArtifactSource}, {@link io.edgeloop.agent.domain.StateReporter}).
 */
package io.edgeloop.agent.domain;
