package io.edgeloop.embedded.containers;

import org.testcontainers.utility.DockerImageName;

/**
 * The images the container layer runs: the locally built ones by default, any image with the same contract through
 * system properties {@code edgeloop.test.kafka-image} and {@code edgeloop.test.postgres-image}.
 */
final class Images {
    static final String KAFKA = "edgeloop/kafka:4.1.2";
    static final String POSTGRES = "edgeloop/postgres:15";

    private Images() {}

    static DockerImageName kafka() {
        return DockerImageName.parse(System.getProperty("edgeloop.test.kafka-image", KAFKA));
    }

    static DockerImageName postgres() {
        return DockerImageName.parse(System.getProperty("edgeloop.test.postgres-image", POSTGRES));
    }
}
