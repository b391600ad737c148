/** Trace export: spans go to Zipkin when {@code edgeloop.tracing.zipkin-endpoint} is set. */
package io.edgeloop.kit.tracing;
