package io.edgeloop.console.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The model card, monitoring (alerts, live performance per version and segment) and data set pages. */
@QuarkusTest
class OperatorPagesTest {
    private static final String VIEWER = TestAuth.bearer("alice", "viewer");

    @Test
    void modelCardShowsEverySectionAndIsLinkedFromTheModel() {
        given().header("Authorization", VIEWER)
                .get("/models/motion")
                .then()
                .statusCode(200)
                .body(containsString("href=\"/models/motion/versions/2/card\""));
        given().header("Authorization", VIEWER)
                .get("/models/motion/versions/2/card")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("Model card: motion v2"),
                        containsString("<p>Detect lift motion on shared-fleet sensors</p>"),
                        containsString("<th>data set</th><td>motion v2</td>"),
                        containsString("<td>up</td><td>20</td><td>33.3 %</td>"),
                        containsString("<th>test_accuracy</th><td>0.9700</td>"),
                        containsString("<td>down</td><td>100.0 %</td><td>95.0 %</td><td>0.974</td><td>20</td>"),
                        containsString("<td>cpu-int8</td><td>onnx</td><td>12.0 KB</td><td>96.0 %</td><td>+1.0 pt</td>"),
                        containsString("<li>Evaluated on 60 test samples only</li>"),
                        containsString("by carol at 2026-12-07 01:20:00Z (passed review)"),
                        containsString("<tr class=\"segment\"><td>b</td><td>10</td><td>70.0 %</td>"),
                        containsString("<td>v2</td><td>40</td><td>90.0 %</td><td>0.880</td><td>0.042</td>"),
                        containsString("below baseline 92.0 %")));
        given().header("Authorization", VIEWER)
                .get("/models/motion/versions/2/card.md")
                .then()
                .statusCode(200)
                .contentType(containsString("text/markdown"))
                .body(containsString("# Model card: motion v2"));
        given().header("Authorization", VIEWER)
                .get("/models/motion/versions/7/card")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", VIEWER)
                .get("/models/motion/versions/x/card")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void monitoringShowsAlertsLivePerformanceAndNamedFeatures() {
        given().header("Authorization", VIEWER)
                .get("/monitoring")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("<tr class=\"alert bad\"><td><a href=\"/monitoring/motion\">motion</a></td>"
                                + "<td>v2</td><td>drift detected: score 0.3000 against 0.2000"),
                        containsString("e-9"),
                        containsString("ev-perf-7")));
        given().header("Authorization", VIEWER)
                .get("/monitoring/motion")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("<td>accX</td><td>ks</td>"),
                        containsString("<td>feature 3</td>"),
                        // monitoring's drift history now fills the page's drift over time (was: a note of the gap)
                        containsString("<h2 id=\"drift-over-time\">Drift over time</h2>"),
                        containsString("3 evaluations recorded by monitoring"),
                        containsString("<td>v2</td><td>40</td><td>90.0 %</td><td>0.880</td><td>0.042</td>"),
                        containsString("<td>v1</td><td>0</td>"),
                        containsString("<h3>per zone</h3>"),
                        containsString("<tr class=\"segment\"><td>a</td><td>30</td><td>96.7 %</td>"),
                        containsString("No labelled inference from a device with label fleet")));
    }

    @Test
    void datasetsWithCountsHistogramsSnapshotsAndTheIngestLog() {
        given().header("Authorization", VIEWER)
                .get("/datasets")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("<a href=\"/datasets/motion\">motion</a>"), containsString("up, down, flat")));
        given().header("Authorization", VIEWER)
                .get("/datasets/motion")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("all 7 live samples, counted by data-service"),
                        containsString("<td>up</td><td>1</td><td>0</td><td>1</td><td>2</td>"),
                        containsString("<td>flat</td><td>2</td><td>0</td><td>0</td><td>2</td>"),
                        containsString("<td>(unlabeled)</td><td>0</td><td>0</td><td>0</td><td>1</td>"),
                        containsString("<td>total</td><td>4</td><td>1</td><td>1</td><td>7</td>"),
                        containsString("<tr class=\"feature\"><td>accX</td><td>7</td><td>0.1</td><td>0.9</td>"
                                + "<td>0.5143</td><td>0.309</td></tr>"),
                        containsString("&quot;title&quot;:&quot;accX&quot;"),
                        containsString("&quot;data&quot;:[3.0,4.0]"),
                        containsString("<td>v2</td><td>motion@v2</td><td>4</td><td>1</td><td>1</td><td>1</td>"
                                + "<td>drift</td>"),
                        containsString("class flat has fewer than 5 samples"),
                        containsString("<tr class=\"ingest refused\"><td>2026-12-07 01:06:00Z</td><td>alice</td>"
                                + "<td>csv</td><td>-</td><td>rejected (422)</td><td>40</td><td>0</td><td>2</td>"),
                        containsString("<tr class=\"ingest\"><td>2026-12-07 00:50:01Z</td><td>test-admin</td>"
                                + "<td>json</td><td>bench</td><td>stored (201)</td><td>4</td><td>4</td><td>0</td>"
                                + "<td>0</td>"),
                        containsString("<tr class=\"rejection\"><td>2026-12-07 01:06:00Z</td><td>csv</td><td>7</td>"
                                + "<td>line 7</td><td>column &#39;accY&#39;: not a number: &#39;abc&#39;</td></tr>"),
                        containsString("Drift of motion v2 (score 0.410 &gt; 0.200, 2026-12-07 01:10:00Z) waits for new"
                                + " labelled data"),
                        not(containsString("keeps no record")),
                        not(containsString("0.1, 0.2"))));
        given().header("Authorization", VIEWER)
                .get("/datasets/nope")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("data-service"));
    }
}
