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
            // V6: each snapshot member keeps the label it had (back-filled), existing samples are live and labelled
            assertEquals(
                    List.of("vibration/0001 0", "vibration/0002 1", "vibration/0003 0"),
                    rows(db, "select sample_id || ' ' || label_index from snapshot_sample order by sample_id"));
            assertEquals(
                    List.of("3 0 0"),
                    rows(
                            db,
                            "select count(*) || ' ' || count(deleted_at) || ' ' || count(*) filter (where label_edited)"
                                    + " from sample"));
            assertEquals(List.of("0"), rows(db, "select count(*) from dataset where deleted_at is not null"));
            assertEquals(List.of("1"), rows(db, "select count(*) from outbox_event where published_at is null"));
            // V7: no sampling rate on existing data sets, no recordings, samples linked to none
            assertEquals(List.of("0"), rows(db, "select count(*) from dataset where sample_rate_hz is not null"));
            assertEquals(List.of("0"), rows(db, "select count(*) from recording"));
            assertEquals(
                    List.of("0"),
                    rows(
                            db,
                            "select count(*) from sample where recording_id is not null or window_offset is not null"));
            // V16: per-class split counts back-filled from the live labelled samples
            assertEquals(
                    List.of("vibration 0 0 1", "vibration 0 2 1", "vibration 1 1 1"),
                    rows(
                            db,
                            "select dataset_name || ' ' || label_index || ' ' || split || ' ' || sample_count"
                                    + " from sample_split_count order by 1"));
            // the previous release's consumer ids, rewritten to <application>/<EventType>
            assertEquals(
                    List.of("data-service/DriftDetected/6a1e2f00-0000-4000-8000-000000000003"),
                    rows(db, "select id from inbox_event order by id"));
        });
    }
}
