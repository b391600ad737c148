/** Tests of the ONNX tooling: checker, shapes and estimates, quantizers, pruning. */
package io.edgeloop.compiler.onnx;
