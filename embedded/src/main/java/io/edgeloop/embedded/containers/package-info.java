/**
 * Kafka and PostgreSQL in containers (Testcontainers), for the test layer that runs the services' integration tests
 * against real servers in containers instead of the in-process ones ({@code -Pcontainers}): the project's locally
 * built images by default ({@code deploy/containers/images.sh}), or upstream images with the same contract
 * ({@code apache/kafka}, {@code postgres}).
 */
package io.edgeloop.embedded.containers;
