/** End-to-end tests of the service with embedded Kafka and PostgreSQL and a test double of data-service. */
package io.edgeloop.monitoring.it;
