/** REST API ({@code /compilations}) and the readiness check of the compiler's ONNX Runtime and work folder. */
package io.edgeloop.compiler.api;
