/** Test helpers: small ONNX models built in code. */
package io.edgeloop.agent;
