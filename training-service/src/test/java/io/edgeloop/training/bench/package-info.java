/** Benchmarks (main classes, not tests): training time per epoch. */
package io.edgeloop.training.bench;
