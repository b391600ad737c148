/** Service-level tests of the compiler against embedded Kafka and PostgreSQL with gRPC doubles of its peers. */
package io.edgeloop.compiler;
