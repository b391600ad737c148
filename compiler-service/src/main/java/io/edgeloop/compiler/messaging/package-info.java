/** Kafka consumer of ModelTrained events. */
package io.edgeloop.compiler.messaging;
