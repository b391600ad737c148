/** Unit tests of the trainer, metrics and ONNX export. */
package io.edgeloop.training.domain;
