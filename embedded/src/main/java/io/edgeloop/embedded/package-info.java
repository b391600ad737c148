/**
 * Real Kafka and PostgreSQL servers started in-process, for the local stack and for tests on machines without a
 * container engine. Both are {@link java.lang.AutoCloseable} and listen on loopback only.
 */
package io.edgeloop.embedded;
