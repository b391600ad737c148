/**
 * The device runtime: the model store on disk (one record per model), one atomically swapped ONNX Runtime session
 * per model name, any ONNX model served through ONNX Runtime's metadata (generic {@link
 * io.edgeloop.agent.domain.Tensor}s, signatures, input binding with defaults, the classification view), the device's
 * limits checked before download, verified model updates, the inference path, telemetry windows per model and
 * source, and the simulator. Network access is behind small interfaces ({@link
 * io.edgeloop.agent.domain.ArtifactSource}, {@link io.edgeloop.agent.domain.StateReporter}).
 */
package io.edgeloop.agent.domain;
