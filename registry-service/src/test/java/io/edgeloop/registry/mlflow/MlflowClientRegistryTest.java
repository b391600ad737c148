package io.edgeloop.registry.mlflow;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client (2.17.2) against the running registry: every model-registry call it makes
 * (get registered model, get latest versions, get / search model versions, download URI), and through its raw
 * {@code sendGet} / {@code sendPost} the calls it has no method for (create, aliases, tags, registered-model search
 * with {@code order_by} and page tokens). Errors come back in MLflow's shape on every MLflow path.
 */
@QuarkusTest
class MlflowClientRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @GrpcClient("self")
    Channel channel;

    @TestHTTPResource("/")
    URL root;

    private MlflowClient client(String... roles) {
        String host = root.toString().replaceAll("/+$", "");
        return new MlflowClient(new BasicMlflowHostCreds(
                host, TestAuth.token("mlflow-user", roles).value()));
    }

    private static String json(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }

    @Test
    void registryCallsOfTheOfficialClient() throws Exception {
        MlflowClient ml = client(Roles.ML, Roles.RELEASE);
        String name = "mlfc-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = TestArtifacts.upload(channel, TestArtifacts.randomBytes(4000, name.hashCode()))
                .getSha256();
        ml.sendPost(
                "registered-models/create",
                json(Map.of("name", name, "tags", List.of(Map.of("key", "team", "value", "vision")))));
        assertTrue(ml.getLatestVersions(name).isEmpty());
        for (int i = 1; i <= 3; i++) {
            ml.sendPost(
                    "model-versions/create",
                    json(Map.of(
                            "name",
                            name,
                            "source",
                            "sha256:" + sha,
                            "run_id",
                            "run-" + i,
                            "tags",
                            List.of(Map.of("key", "i", "value", "" + i)))));
        }
        ml.sendPost("registered-models/alias", json(Map.of("name", name, "alias", "champion", "version", "2")));

        RegisteredModel model = ml.getRegisteredModel(name);
        assertEquals(name, model.getName());
        assertEquals("3", model.getLatestVersions(0).getVersion());
        assertEquals("team", model.getTags(0).getKey());
        assertEquals("champion", model.getAliases(0).getAlias());
        assertEquals("2", model.getAliases(0).getVersion());

        List<ModelVersion> latest = ml.getLatestVersions(name);
        assertEquals(List.of("3"), versions(latest));
        assertEquals("None", latest.get(0).getCurrentStage());
        assertEquals(List.of("3"), versions(ml.getLatestVersions(name, List.of("None"))));
        assertTrue(ml.getLatestVersions(name, List.of("Production", "Staging")).isEmpty());
        assertMlflowError(() -> ml.getLatestVersions(name, List.of("Shipping")), 400, "INVALID_PARAMETER_VALUE");
        assertMlflowError(() -> ml.getLatestVersions(name + "-none"), 404, "RESOURCE_DOES_NOT_EXIST");

        ModelVersion v1 = ml.getModelVersion(name, "1");
        assertEquals("run-1", v1.getRunId());
        assertEquals("mlflow-user", v1.getUserId());
        assertEquals("1", v1.getTags(0).getValue());
        assertTrue(v1.getSource().endsWith("/artifacts/" + sha), v1.getSource());
        assertTrue(ml.getModelVersionDownloadUri(name, "2").endsWith("/artifacts/" + sha));
        assertEquals(List.of("champion"), ml.getModelVersion(name, "2").getAliasesList());

        JsonNode byAlias = JSON.readTree(ml.sendGet("registered-models/alias?name=" + name + "&alias=champion"));
        assertEquals("2", byAlias.at("/model_version/version").asText());

        ModelVersionsPage page = ml.searchModelVersions("name='" + name + "'", 2, List.of("version_number DESC"));
        assertEquals(List.of("3", "2"), versions(page.getItems()));
        assertTrue(page.hasNextPage());
        ModelVersionsPage next = (ModelVersionsPage) page.getNextPage();
        assertEquals(List.of("1"), versions(next.getItems()));
        assertFalse(next.hasNextPage());
        assertEquals(
                List.of("1", "2", "3"),
                versions(ml.searchModelVersions("name='" + name + "'").getItems()));
    }

    @Test
    void registeredModelSearchHonoursOrderByAndPageTokens() throws Exception {
        MlflowClient ml = client(Roles.ML);
        String prefix = "mlfo" + UUID.randomUUID().toString().substring(0, 6);
        String sha = TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, prefix.hashCode()))
                .getSha256();
        for (String suffix : List.of("-a", "-b", "-c")) {
            ml.sendPost("registered-models/create", json(Map.of("name", prefix + suffix)));
        }
        // a version makes -a the model updated last
        ml.sendPost("model-versions/create", json(Map.of("name", prefix + "-a", "source", sha)));

        String filter = "filter=" + encode("name LIKE '" + prefix + "%'");
        assertEquals(
                List.of(prefix + "-c", prefix + "-b", prefix + "-a"),
                searchAll(ml, filter + "&order_by=" + encode("name DESC")));
        assertEquals(
                List.of(prefix + "-a", prefix + "-c", prefix + "-b"),
                searchAll(ml, filter + "&order_by=" + encode("last_updated_timestamp DESC")));
        assertEquals(
                List.of(prefix + "-b", prefix + "-c", prefix + "-a"),
                searchAll(ml, filter + "&order_by=last_updated_timestamp"));
        assertEquals(List.of(prefix + "-a", prefix + "-b", prefix + "-c"), searchAll(ml, filter));

        JsonNode post = JSON.readTree(ml.sendPost(
                "registered-models/search",
                json(Map.of(
                        "filter",
                        "name LIKE '" + prefix + "%'",
                        "order_by",
                        List.of("last_updated_timestamp DESC"),
                        "max_results",
                        1))));
        assertEquals(prefix + "-a", post.at("/registered_models/0/name").asText());
        assertFalse(post.path("next_page_token").asText().isBlank());

        assertMlflowError(
                () -> ml.sendGet("registered-models/search?order_by=" + encode("owner DESC")),
                400,
                "INVALID_PARAMETER_VALUE");
        assertMlflowError(
                () -> ml.sendGet("registered-models/search?page_token=bm9wZQ"), 400, "INVALID_PARAMETER_VALUE");
    }

    /** MLflow stages are EdgeLoop's aliases: transitions move production/staging, archiving tags the version. */
    @Test
    void stageTransitionsMoveTheAliasesTagsAndDeletesWork() throws Exception {
        MlflowClient ml = client(Roles.ML, Roles.RELEASE);
        String name = "mlst-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, name.hashCode()))
                .getSha256();
        ml.sendPost("registered-models/create", json(Map.of("name", name)));
        for (int i = 1; i <= 3; i++) {
            ml.sendPost("model-versions/create", json(Map.of("name", name, "source", "sha256:" + sha)));
        }
        String transition = "model-versions/transition-stage";
        ml.sendPost(transition, json(Map.of("name", name, "version", "2", "stage", "staging")));
        JsonNode moved = JSON.readTree(
                ml.sendPost(transition, json(Map.of("name", name, "version", "3", "stage", "Production"))));
        assertEquals("Production", moved.at("/model_version/current_stage").asText());
        assertTrue(
                moved.at("/model_version/last_updated_timestamp").asLong()
                        > moved.at("/model_version/creation_timestamp").asLong(),
                "a transition moves last_updated_timestamp: " + moved);
        assertEquals("Staging", ml.getModelVersion(name, "2").getCurrentStage());
        assertEquals(
                List.of("1", "2", "3"), versions(ml.getLatestVersions(name)), "latest of None, Staging, Production");
        assertEquals(List.of("3"), versions(ml.getLatestVersions(name, List.of("production"))));
        given().get("/models/" + name + "/aliases/production")
                .then()
                .statusCode(200)
                .body("version", equalTo(3));

        // promoting the staged version archives the one in production
        ml.sendPost(
                transition,
                json(Map.of("name", name, "version", "2", "stage", "Production", "archive_existing_versions", true)));
        assertEquals("Production", ml.getModelVersion(name, "2").getCurrentStage());
        assertEquals("Archived", ml.getModelVersion(name, "3").getCurrentStage());
        assertEquals(List.of("1", "2", "3"), versions(ml.getLatestVersions(name)), "None, Production, Archived");
        assertTrue(ml.getLatestVersions(name, List.of("Staging")).isEmpty(), "v2 left Staging");
        ml.sendPost(transition, json(Map.of("name", name, "version", "3", "stage", "None")));
        assertEquals("None", ml.getModelVersion(name, "3").getCurrentStage());
        given().get("/models/" + name + "/history")
                .then()
                .statusCode(200)
                .body("actor", org.hamcrest.Matchers.everyItem(equalTo("mlflow-user")));

        assertMlflowError(
                () -> ml.sendPost(transition, "{\"name\":\"" + name + "\",\"version\":\"1\",\"stage\":\"Shipped\"}"),
                400,
                "INVALID_PARAMETER_VALUE");
        String v1ToProduction = json(Map.of("name", name, "version", "1", "stage", "Production"));
        assertMlflowError(() -> client(Roles.ML).sendPost(transition, v1ToProduction), 403, "PERMISSION_DENIED");
        String v9ToProduction = json(Map.of("name", name, "version", "9", "stage", "Production"));
        assertMlflowError(() -> ml.sendPost(transition, v9ToProduction), 404, "RESOURCE_DOES_NOT_EXIST");

        ml.sendPost("model-versions/set-tag", json(Map.of("name", name, "version", "1", "key", "k", "value", "v")));
        assertEquals("v", ml.getModelVersion(name, "1").getTags(0).getValue());
        String mlflow = "/api/2.0/mlflow/model-versions/";
        given().header("Authorization", TestAuth.bearer("mlflow-user", Roles.ML))
                .contentType("application/json")
                .body(json(Map.of("name", name, "version", "1", "key", "k")))
                .delete(mlflow + "delete-tag")
                .then()
                .statusCode(200);
        assertEquals(0, ml.getModelVersion(name, "1").getTagsCount());
        given().header("Authorization", TestAuth.bearer("mlflow-user", Roles.ML))
                .delete(mlflow + "delete?name=" + name + "&version=1")
                .then()
                .statusCode(403)
                .body("error_code", equalTo("PERMISSION_DENIED"));
        given().header("Authorization", TestAuth.bearer("root", Roles.ADMIN))
                .delete(mlflow + "delete?name=" + name + "&version=1")
                .then()
                .statusCode(200);
        assertMlflowError(() -> ml.getModelVersion(name, "1"), 404, "RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void everyMlflowPathAnswersMlflowErrors() {
        assertMlflowError(
                () -> client(Roles.VIEWER).sendGet("registered-models/no-such-call"), 404, "ENDPOINT_NOT_FOUND");
        assertMlflowError(
                () -> client(Roles.VIEWER).sendPost("registered-models/create", "{\"name\":\"x\"}"),
                403,
                "PERMISSION_DENIED");
        String host = root.toString().replaceAll("/+$", "");
        MlflowClient anonymous = new MlflowClient(new BasicMlflowHostCreds(host));
        assertMlflowError(() -> anonymous.getRegisteredModel("x"), 401, "UNAUTHENTICATED");
        assertMlflowError(
                () -> client(Roles.ML).sendPost("registered-models/create", "{\"name\":"),
                400,
                "INVALID_PARAMETER_VALUE");
    }

    /** Every registered model name of a search, following the page tokens, one model per page. */
    private static List<String> searchAll(MlflowClient client, String query) throws Exception {
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String url = "registered-models/search?max_results=1&" + query
                    + (token == null ? "" : "&page_token=" + encode(token));
            JsonNode page = JSON.readTree(client.sendGet(url));
            page.path("registered_models").forEach(m -> names.add(m.path("name").asText()));
            token = page.hasNonNull("next_page_token")
                    ? page.get("next_page_token").asText()
                    : null;
            assertTrue(names.size() < 10, "paging does not end: " + names);
        } while (token != null);
        return names;
    }

    private static List<String> versions(List<ModelVersion> versions) {
        return versions.stream().map(ModelVersion::getVersion).toList();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code call} fails with MLflow's error body: this status (never a 5xx), this error code, a message. */
    static void assertMlflowError(Runnable call, int status, String errorCode) {
        MlflowHttpException e = assertThrows(MlflowHttpException.class, call::run);
        assertEquals(status, e.getStatusCode(), e.getBodyMessage());
        try {
            JsonNode body = JSON.readTree(e.getBodyMessage());
            assertEquals(errorCode, body.path("error_code").asText(), e.getBodyMessage());
            assertFalse(body.path("message").asText().isBlank(), e.getBodyMessage());
        } catch (java.io.IOException io) {
            throw new AssertionError("not JSON: " + e.getBodyMessage(), io);
        }
        assertTrue(status >= 400 && status < 500, "never a 5xx");
    }
}
