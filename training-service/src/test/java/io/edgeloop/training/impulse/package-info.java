/** Tests of the processing blocks: Java/ONNX Runtime parity, validation, and impulses trained end to end. */
package io.edgeloop.training.impulse;
