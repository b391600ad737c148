package io.edgeloop.registry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.testsupport.auth.OpenApiCoverage;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * web-kit's observability on a real app: the OpenAPI document at {@code /q/openapi} (anonymous, read-only) describes
 * every REST endpoint of the registry with its bearer security requirement; {@code /q/metrics} (role {@code viewer})
 * answers Prometheus text with HTTP server metrics of the requests made and JVM metrics.
 */
@QuarkusTest
class ObservabilityTest {
    @Test
    void openApiDescribesEveryRestEndpointAnonymously() {
        OpenApiCoverage.Coverage c = OpenApiCoverage.assertComplete(ModelResource.class, "io.edgeloop.registry");
        OpenApiCoverage.assertExamples(c, "PUT /models/{name}/aliases/{alias}");
        assertTrue(c.rest() > 40, "the scan found the registry's REST endpoints: " + c.rest());
        JsonPath doc = c.document();
        Map<String, Object> paths = doc.getMap("paths");
        assertTrue(paths.containsKey("/api/2.0/mlflow/registered-models/get-latest-versions"));
        assertEquals("bearer", doc.getString("components.securitySchemes.JWT.scheme"));
        assertEquals(
                List.of("JWT"),
                new ArrayList<>(
                        doc.getMap("paths.'/models/{name}'.get.security[0]").keySet()),
                "an endpoint that needs a role names the bearer scheme");
    }

    @Test
    void metricsNeedViewerAndShowHttpAndJvmSeries() {
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/q/metrics")
                .then()
                .statusCode(401);
        given().header("Authorization", TestAuth.deviceBearer("dev-1"))
                .get("/q/metrics")
                .then()
                .statusCode(403);
        given().get("/models").then().statusCode(200);
        String text = given().header("Authorization", TestAuth.bearer("prometheus", Roles.VIEWER))
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                                && l.contains("uri=\"/models\"")
                                && l.contains("method=\"GET\"")
                                && l.contains("status=\"200\"")),
                "an http_server_requests series of GET /models:\n" + grep(text, "http_server_requests"));
        assertTrue(text.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{")), "JVM metrics");
    }

    private static String grep(String text, String word) {
        return String.join(
                "\n", text.lines().filter(l -> l.contains(word)).limit(20).toList());
    }
}
