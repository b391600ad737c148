/** Benchmarks of monitoring (JUnit tag {@code benchmark}, run only with {@code -Pbenchmark}): they print figures. */
package io.edgeloop.monitoring.bench;
