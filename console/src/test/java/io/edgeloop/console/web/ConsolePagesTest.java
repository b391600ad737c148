package io.edgeloop.console.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pages' HTML against stubbed services, login and logout, and the error answers. */
@QuarkusTest
class ConsolePagesTest {
    private static final String VIEWER = TestAuth.bearer("alice", "viewer");

    @Test
    void overviewShowsEveryServicesReadiness() {
        given().header("Authorization", VIEWER)
                .get("/")
                .then()
                .statusCode(200)
                .contentType(ContentType.HTML)
                .body(allOf(
                        containsString("<td>registry-service</td><td class=\"state up\">UP</td>"),
                        containsString("<td>compiler-service</td><td class=\"state unreachable\">UNREACHABLE</td>"),
                        containsString("alice"),
                        containsString("href=\"/fleet\""),
                        // no kafka.bootstrap.servers here: the console runs, without the event stream
                        containsString("Live event stream off: kafka.bootstrap.servers is not set"),
                        containsString("<table id=\"events\" data-stream=\"\""),
                        containsString("no events yet")));
    }

    @Test
    void modelsAndOneModelWithLineageVariantsAndAliases() {
        given().header("Authorization", VIEWER)
                .get("/models")
                .then()
                .statusCode(200)
                .body(allOf(containsString("<a href=\"/models/motion\">motion</a>"), containsString("v2")));
        given().header("Authorization", VIEWER)
                .get("/models/motion")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("<h1 id=\"model-name\">motion</h1>"),
                        containsString("<td>production</td>"),
                        containsString("motion@v2"),
                        containsString("<a href=\"/training/run-2\">run-2</a>"),
                        containsString("Variants of v2"),
                        containsString("<td>cpu-int8</td><td>onnx</td><td>12.0 KB</td><td>80 µs</td><td>2.10 ms</td>"
                                + "<td>96.0 %</td><td>-1.0 pt</td>"),
                        containsString("class=\"chart\" data-chart=\"{&quot;"),
                        containsString("/webjars/echarts/5.3.1/dist/echarts.min.js")));
        given().header("Authorization", VIEWER)
                .get("/models/motion?version=1")
                .then()
                .statusCode(200)
                .body(containsString("Variants of v1"));
    }

    @Test
    void badOrUnknownModelsAre4xxProblems() {
        given().header("Authorization", VIEWER)
                .get("/models/motion?version=abc")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("version"));
        given().header("Authorization", VIEWER)
                .get("/models/motion?version=7")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", VIEWER)
                .get("/models/nope")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", allOf(containsString("registry-service"), not(containsString("Exception"))));
        given().header("Authorization", VIEWER)
                .get("/models/-bad")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", VIEWER)
                .get("/training/bad%20id")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void fleetShowsDevicesWhatTheyServeAndRolloutWaves() {
        given().header("Authorization", VIEWER)
                .get("/fleet")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("3 devices, 1 in sync, 1 rollouts"),
                        containsString("<td>edge-001</td><td>fleet=shared, zone=a</td>"),
                        containsString("<div>motion v2 ACTIVE</div>"),
                        containsString("motion v2 DOWNLOADING (wants v2)"),
                        containsString("<td class=\"health\">offline</td>"),
                        containsString("COMPLETED"),
                        containsString("PASS: 120 inferences in 4 windows, error rate 0.0 %, p99 950 µs"),
                        containsString("not evaluated"),
                        containsString("<li>2026-12-07 01:10:00Z completed (wave 2) by deployment-service</li>")));
    }

    @Test
    void driftPerFeature() {
        given().header("Authorization", VIEWER)
                .get("/monitoring")
                .then()
                .statusCode(200)
                .body(containsString("<a href=\"/monitoring/motion\">motion</a>"));
        given().header("Authorization", VIEWER)
                .get("/monitoring/motion")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("drift detected: score 0.3000 against threshold 0.2000"),
                        containsString("<td>feature 3</td><td>ks</td><td>0.3000</td><td>0.2000</td><td>yes</td>"),
                        containsString("data-chart=")));
    }

    @Test
    void driftOverTimeFromMonitoringsHistory() throws Exception {
        String html = given().header("Authorization", VIEWER)
                .get("/monitoring/motion")
                .then()
                .statusCode(200)
                .body(
                        allOf(
                                containsString("3 evaluations recorded by monitoring"),
                                containsString(
                                        "<tr class=\"evaluation bad\"><td>2026-12-07 02:10:00Z</td><td>v2</td>"
                                                + "<td>motion@v2</td><td>200</td><td>ks-2sample-max+psi-deciles</td><td>0.3000</td>"
                                                + "<td>0.2000</td><td>25.0 %</td><td>drift</td><td>feature 3</td><td>no drift</td></tr>"),
                                containsString(
                                        "<tr class=\"evaluation\"><td>2026-12-07 02:00:00Z</td><td>v1</td>"
                                                + "<td>motion@v1</td><td>120</td><td>ks-2sample-max+psi-deciles</td><td>0.1000</td>"
                                                + "<td>0.2000</td><td>0.0 %</td><td>no drift</td><td>-</td><td>not evaluated</td></tr>")))
                .extract()
                .asString();
        // oldest first on the time axis: the score against its threshold
        JsonNode score = chart(html, "drift-history-chart");
        assertEquals("line", score.get("kind").asText());
        assertEquals(
                "[\"2026-12-07 02:00:00Z\",\"2026-12-07 02:05:00Z\",\"2026-12-07 02:10:00Z\"]",
                score.get("categories").toString());
        assertEquals("score", score.at("/series/0/name").asText());
        assertEquals("[0.1,0.15,0.3]", score.at("/series/0/data").toString());
        assertEquals("[0.2,0.2,0.2]", score.at("/series/1/data").toString());
        // per feature (named from the data set) its KS statistic; no figure in an evaluation is a gap
        JsonNode features = chart(html, "drift-feature-history-chart");
        assertEquals("accX", features.at("/series/0/name").asText());
        assertEquals("[null,0.04,0.05]", features.at("/series/0/data").toString());
        assertEquals("feature 3", features.at("/series/2/name").asText());
        assertEquals("[null,null,0.3]", features.at("/series/2/data").toString());
    }

    /** The chart spec in the {@code data-chart} attribute of the element with {@code id}. */
    static JsonNode chart(String html, String id) throws Exception {
        Matcher m = Pattern.compile("id=\"" + id + "\" data-chart=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "no chart " + id);
        return new ObjectMapper()
                .readTree(m.group(1)
                        .replace("&quot;", "\"")
                        .replace("&#39;", "'")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&"));
    }

    @Test
    void trainingRunsAndAConfusionMatrix() {
        given().header("Authorization", VIEWER)
                .get("/training")
                .then()
                .statusCode(200)
                .body(allOf(containsString("<a href=\"/training/run-2\">run-2</a>"), containsString("96.7 %")));
        given().header("Authorization", VIEWER)
                .get("/training/run-2")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("id=\"confusion\""),
                        containsString("<th>up</th><td class=\"diag\" style=\"--shade: 95%\">19</td>"),
                        containsString("epoch 12 of 12")));
        given().header("Authorization", VIEWER)
                .get("/training/run-404")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void browsersWithoutATokenGoToTheLoginFormOthersGet401() {
        given().header("Authorization", TestAuth.ANONYMOUS)
                .accept("text/html")
                .redirects()
                .follow(false)
                .get("/models")
                .then()
                .statusCode(303)
                .header("Location", containsString("/login?next=%2Fmodels"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .accept("*/*")
                .get("/models")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", TestAuth.bearer("edge-009", "device"))
                .get("/models")
                .then()
                .statusCode(403);
    }

    @Test
    void loginSetsAStrictHttpOnlyCookieThatPagesAccept() {
        String token = TestAuth.token("bob", "viewer").value();
        String cookie = given().header("Authorization", TestAuth.ANONYMOUS)
                .contentType(ContentType.URLENC)
                .formParam("token", token)
                .formParam("next", "/fleet")
                .redirects()
                .follow(false)
                .post("/login")
                .then()
                .statusCode(303)
                .header("Location", containsString("/fleet"))
                .header("Set-Cookie", allOf(containsString("HttpOnly"), containsString("SameSite=Strict")))
                .extract()
                .cookie("edgeloop_token");
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .get("/fleet")
                .then()
                .statusCode(200)
                .body(containsString("bob"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .contentType(ContentType.URLENC)
                .formParam("token", "not-a-token")
                .post("/login")
                .then()
                .statusCode(401)
                .body(containsString("the token is invalid or expired"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .contentType(ContentType.URLENC)
                .formParam("token", TestAuth.token("edge-009", "device").value())
                .post("/login")
                .then()
                .statusCode(403);
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/login?next=//evil.example")
                .then()
                .statusCode(200)
                .body(allOf(containsString("name=\"next\" value=\"/\""), not(containsString("evil"))));
    }

    @Test
    void chartsLibraryAndScriptsAreServedFromTheApp() {
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/webjars/echarts/5.3.1/dist/echarts.min.js")
                .then()
                .statusCode(200);
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/console/console.js")
                .then()
                .statusCode(200)
                .body(containsString("echarts.init"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"));
    }
}
