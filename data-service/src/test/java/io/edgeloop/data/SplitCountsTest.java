package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-class split counts that every ingest reads ({@code sample_split_count}, kept by triggers on {@code sample},
 * V16) stay equal to a count over the live labelled samples through every kind of change: JSON and CSV ingest,
 * unlabeled samples, labelling, relabelling, deletion, a recording's windows deleted and restored, and plain SQL
 * (a hard delete, an update of many rows, a truncate inside a rolled-back transaction).
 */
@QuarkusTest
class SplitCountsTest {
    private static final String COUNTED = "select dataset_name || '/' || label_index || '/' || split || '=' || count(*)"
            + " from sample where deleted_at is null and label_index is not null"
            + " group by dataset_name, label_index, split order by 1";
    private static final String KEPT =
            "select dataset_name || '/' || label_index || '/' || split || '=' || sample_count"
                    + " from sample_split_count where sample_count <> 0 order by 1";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theCountsFollowIngestLabellingDeletionAndRecordings() throws SQLException {
        String ds = "split-counts";
        TestSupport.createDataset(ds, 3, "keep");
        TestSupport.ingest(ds, TestSupport.generate(40, 3, 11), 40);
        assertConsistent("after a JSON batch", 40);

        List<Map<String, Object>> unlabeled = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<String, Object> m = new HashMap<>();
            m.put("features", List.of(0.1 * i, 0.2, 0.3));
            unlabeled.add(m);
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", unlabeled))
                .post("/datasets/" + ds + "/samples")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(4));
        assertConsistent("unlabeled samples are not counted", 40);

        List<String> open = ids(ds, "false");
        given().contentType(ContentType.JSON)
                .body(Map.of("label", "normal"))
                .put("/datasets/" + ds + "/samples/" + open.get(0) + "/label")
                .then()
                .statusCode(200);
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", open.subList(1, 3), "label", "bearing"))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(200)
                .body("changed", equalTo(2));
        assertConsistent("after labelling", 43);

        List<String> labelled = ids(ds, "true");
        given().contentType(ContentType.JSON)
                .body(Map.of("ids", labelled.subList(0, 5), "label", "imbalance"))
                .post("/datasets/" + ds + "/labels")
                .then()
                .statusCode(200);
        assertConsistent("after relabelling", 43);

        given().contentType(ContentType.JSON)
                .body(Map.of("ids", labelled.subList(3, 9)))
                .post("/datasets/" + ds + "/samples/delete")
                .then()
                .statusCode(200)
                .body("deleted", equalTo(6));
        assertConsistent("after deleting", 37);

        given().contentType("text/csv")
                .body("f0,f1,f2,label\n1,2,3,normal\n4,5,6,bearing\n7,8,9,normal\n")
                .post("/datasets/" + ds + "/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(3));
        assertConsistent("after a CSV import", 40);
        given().post("/datasets/" + ds + "/snapshots").then().statusCode(201);
        assertConsistent("after a snapshot", 40);
    }

    @Test
    void theCountsFollowARecordingDeletedAndSentAgain() throws SQLException {
        String ds = "split-counts-rec";
        RecordingSupport.createTimeseries(ds, List.of("x"), 2, 100.0);
        Map<String, Object> body = Map.of("label", "normal", "axes", Map.of("x", List.of(1, 2, 3, 4, 5, 6, 7, 8)));
        long id = given().contentType(ContentType.JSON)
                .body(body)
                .post("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("recording.id");
        assertEquals(4, count(ds));
        given().delete("/datasets/" + ds + "/recordings/" + id).then().statusCode(200);
        assertEquals(0, count(ds));
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/datasets/" + ds + "/recordings")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(4));
        assertEquals(4, count(ds));
        assertConsistent("after a recording came back", -1);
    }

    @Test
    void theCountsFollowPlainSqlAndRollBackWithIt() throws SQLException {
        String ds = "split-counts-sql";
        TestSupport.createDataset(ds, 2, "keep");
        TestSupport.ingest(ds, TestSupport.generate(30, 2, 3), 30);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("update sample set split = 3, label_index = 2, label = 'bearing'"
                    + " where dataset_name = '" + ds + "' and label_index = 0");
            s.executeUpdate("delete from sample where dataset_name = '" + ds + "' and split = 1"
                    + " and id not in (select sample_id from snapshot_sample)");
            c.setAutoCommit(false);
            s.execute("truncate sample cascade");
            assertEquals(List.of(), rows(c, KEPT), "a truncate empties the counts");
            c.rollback();
            c.setAutoCommit(true);
        }
        assertConsistent("after plain SQL", -1);
        assertFalse(rows(KEPT).isEmpty());
    }

    /** The live labelled samples of {@code dataset}, as kept. */
    private long count(String dataset) throws SQLException {
        long n = 0;
        for (String row : rows(KEPT)) {
            if (row.startsWith(dataset + "/")) {
                n += Long.parseLong(row.substring(row.indexOf('=') + 1));
            }
        }
        return n;
    }

    /** Kept counts equal the counted ones for every data set; {@code dataset}'s total is {@code expected} (>= 0). */
    private void assertConsistent(String when, long expected) throws SQLException {
        assertEquals(rows(COUNTED), rows(KEPT), when);
        if (expected >= 0) {
            assertEquals(expected, count("split-counts"), when);
        }
    }

    private List<String> rows(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return rows(c, sql);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> ids(String dataset, String labeled) {
        return given().queryParam("limit", 1000)
                .queryParam("labeled", labeled)
                .get("/datasets/" + dataset + "/samples")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("samples.id");
    }
}
