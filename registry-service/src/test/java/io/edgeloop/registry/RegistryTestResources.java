package io.edgeloop.registry;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Declares the test resources every {@code @QuarkusTest} of this module shares (one application start): embedded
 * Kafka, embedded PostgreSQL and a temporary artifact store.
 */
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = StorageDirTestResource.class, restrictToAnnotatedClass = false)
public final class RegistryTestResources {
    private RegistryTestResources() {}
}
