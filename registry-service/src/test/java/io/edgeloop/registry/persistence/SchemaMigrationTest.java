package io.edgeloop.registry.persistence;

import static io.edgeloop.testsupport.MigrationChecks.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.testsupport.MigrationChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database of the release before Flyway (schema made by Hibernate {@code update}, rows, no Flyway history;
 * {@code src/test/resources/schema/previous-release.sql}) is baselined at V1 and migrated in place: its rows survive
 * and its schema ends up identical to the one the migrations build on an empty database (which the
 * {@code @QuarkusTest}s validate against the entities).
 */
class SchemaMigrationTest {
    @Test
    void aDatabaseOfThePreviousReleaseIsBaselinedAndMigratedInPlace() {
        MigrationChecks.assertUpgradesPreviousRelease("schema/previous-release.sql", db -> {
            assertEquals(List.of("vibration 1"), rows(db, "select name || ' ' || latest_version from registry_model"));
            assertEquals(List.of("production -> 1"), rows(db, "select alias || ' -> ' || version from registry_alias"));
            // V6: a version's last update starts as its registration
            assertEquals(
                    List.of("1 true"),
                    rows(db, "select version || ' ' || (updated_at = created_at) from registry_model_version"));
            assertEquals(List.of("alias-set", "deployed"), rows(db, "select kind from registry_history order by id"));
            assertEquals(
                    List.of("ed25519-a3c907cc462991c1"), rows(db, "select key_id from registry_artifact_signature"));
            // the previous release's consumer ids, rewritten to <application>/<EventType>
            assertEquals(
                    List.of("registry-service/Deployed/6a1e2f00-0000-4000-8000-000000000003"),
                    rows(db, "select id from inbox_event order by id"));
        });
    }
}
