/** Tests of the registry service and the shared test set-up (embedded Kafka, PostgreSQL, temp artifact store). */
package io.edgeloop.registry;
