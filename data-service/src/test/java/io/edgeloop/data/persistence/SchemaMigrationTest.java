package io.edgeloop.data.persistence;

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
            assertEquals(List.of("spectra", "vibration"), rows(db, "select name from dataset order by name"));
            assertEquals(
                    List.of("vibration/0001 idle {0.12,-0.5,9.81}"),
                    rows(db, "select id || ' ' || label || ' ' || features::text from sample where split = 0"));
            assertEquals(List.of("3"), rows(db, "select count(*) from snapshot_sample"));
            assertEquals(List.of("1"), rows(db, "select count(*) from outbox_event where published_at is null"));
            // the previous release's consumer ids, rewritten to <application>/<EventType>
            assertEquals(
                    List.of("data-service/DriftDetected/6a1e2f00-0000-4000-8000-000000000003"),
                    rows(db, "select id from inbox_event order by id"));
        });
    }
}
