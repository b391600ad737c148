/** Benchmarks run by hand (never in {@code verify}): float vs int8 models in ONNX Runtime. */
package io.edgeloop.bench;
