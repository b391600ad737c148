/** Test helpers: small ONNX models with known weights, validation data and gRPC doubles of the peer services. */
package io.edgeloop.compiler.testing;
