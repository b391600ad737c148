package io.edgeloop.monitoring.persistence;

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
            assertEquals(
                    List.of("edge-1/0001 live 0", "edge-2/0001 simulator 2"),
                    rows(
                            db,
                            "select window_id || ' ' || source || ' ' || client_error_count from telemetry_window"
                                    + " order by window_id"));
            assertEquals(List.of("2"), rows(db, "select count(*) from reference_feature"));
            assertEquals(List.of("vibration@v1"), rows(db, "select id from drift_alert"));
            assertEquals(List.of("1"), rows(db, "select count(*) from outbox_event where published_at is null"));
            // the previous release's consumer ids, rewritten to <application>/<EventType>
            assertEquals(
                    List.of(
                            "monitoring-service/DataReady/6a1e2f00-0000-4000-8000-000000000003",
                            "monitoring-service/Deployed/6a1e2f00-0000-4000-8000-000000000004",
                            "telemetry-window/edge-1/0001"),
                    rows(db, "select id from inbox_event order by id"));
        });
    }
}
