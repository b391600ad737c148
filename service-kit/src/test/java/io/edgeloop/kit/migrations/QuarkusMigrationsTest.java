package io.edgeloop.kit.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class QuarkusMigrationsTest {
    @Inject
    Flyway flyway;

    @Test
    void theFlywayQuarkusRunsAtStartTakesTheReplicaLock() {
        assertEquals(
                1,
                Arrays.stream(flyway.getConfiguration().getCallbacks())
                        .filter(ReplicaSafeMigrations.class::isInstance)
                        .count());
        assertEquals(true, flyway.getConfiguration().isValidateOnMigrate(), "the lock is taken on BEFORE_VALIDATE");
    }
}
