/** Integration tests: the service against embedded Kafka and PostgreSQL with gRPC test doubles of its peers. */
package io.edgeloop.training.it;
