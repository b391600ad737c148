/**
 * ONNX graph tooling written in Java on the ONNX protobuf schema: a structural checker, shape inference with MAC
 * counts and device estimates, activation calibration with ONNX Runtime, static (QDQ) and dynamic int8 quantization,
 * and magnitude pruning. No network, no database: pure functions of model bytes and samples.
 */
package io.edgeloop.compiler.onnx;
