package io.edgeloop.registry.mlflow;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * MLflow {@code registered-models/set-tag} and {@code delete-tag} over REST (shapes, MLflow semantics, error bodies,
 * roles), and the {@code last_updated_timestamp} of registered models and model versions: it moves when a tag or a
 * description changes, and only then.
 */
@QuarkusTest
class MlflowModelTagsTest {
    private static final String API = "/api/2.0/mlflow/";

    @GrpcClient("self")
    Channel channel;

    @Test
    void tagsAreSetAndReplacedAndShownByGetAndSearch() {
        String name = create("mlt-", Map.of("team", "vision"));
        String ml = TestAuth.bearer("alice", Roles.ML);
        long created = lastUpdated(name);

        nextMilli(created);
        assertEquals("{}", setTag(ml, Map.of("name", name, "key", "stage", "value", "qa")));
        long set = lastUpdated(name);
        assertTrue(set > created, "set-tag moves last_updated_timestamp: " + created + " -> " + set);
        List<Map<String, String>> both = List.of(tag("stage", "qa"), tag("team", "vision"));
        given().queryParam("name", name)
                .get(API + "registered-models/get")
                .then()
                .statusCode(200)
                .body("registered_model.tags", equalTo(both))
                .body("registered_model.last_updated_timestamp", equalTo(set));
        given().queryParam("filter", "name = '" + name + "'")
                .get(API + "registered-models/search")
                .then()
                .statusCode(200)
                .body("registered_models[0].name", equalTo(name))
                .body("registered_models[0].tags", equalTo(both));
        given().get("/models/" + name)
                .then()
                .statusCode(200)
                .body("tags", equalTo(Map.of("stage", "qa", "team", "vision")));

        // the same value again changes nothing; a new value replaces it and moves the time
        setTag(ml, Map.of("name", name, "key", "stage", "value", "qa"));
        assertEquals(set, lastUpdated(name));
        nextMilli(set);
        setTag(ml, Map.of("name", name, "key", "stage", "value", "production-candidate"));
        long replaced = lastUpdated(name);
        assertTrue(replaced > set, set + " -> " + replaced);
        assertEquals(List.of(tag("stage", "production-candidate"), tag("team", "vision")), tags(name));
    }

    @Test
    void tagsAreDeletedByQueryOrJsonBodyAndAnAbsentTagIsNoError() {
        String name = create("mltd-", Map.of("stage", "qa", "team", "vision"));
        String ml = TestAuth.bearer("alice", Roles.ML);
        long created = lastUpdated(name);

        // delete-tag with query parameters, then as MLflow clients send it (a JSON body)
        nextMilli(created);
        assertEquals(
                "{}",
                given().header("Authorization", ml)
                        .queryParam("name", name)
                        .queryParam("key", "stage")
                        .delete(API + "registered-models/delete-tag")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        long deleted = lastUpdated(name);
        assertTrue(deleted > created, created + " -> " + deleted);
        assertEquals(List.of(tag("team", "vision")), tags(name));
        deleteTagWithBody(ml, Map.of("name", name, "key", "team")).statusCode(200);
        assertEquals(List.of(), tags(name));
        long empty = lastUpdated(name);

        // as in MLflow, deleting a tag the model does not have is no error and changes nothing
        deleteTagWithBody(ml, Map.of("name", name, "key", "team")).statusCode(200);
        assertEquals(empty, lastUpdated(name));
        // tags are not recorded in the history (version tags are not either)
        given().get("/models/" + name + "/history").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void badTagRequestsGetMlflowErrors() {
        String name = create("mlte-", Map.of());
        String ml = TestAuth.bearer("alice", Roles.ML);
        expectError(set(ml, Map.of("key", "k", "value", "v")), 400, "INVALID_PARAMETER_VALUE", "'name'");
        expectError(set(ml, Map.of("name", name, "value", "v")), 400, "INVALID_PARAMETER_VALUE", "'key'");
        expectError(set(ml, Map.of("name", name, "key", " ", "value", "v")), 400, "INVALID_PARAMETER_VALUE", "'key'");
        expectError(set(ml, Map.of("name", name, "key", "k")), 400, "INVALID_PARAMETER_VALUE", "'value'");
        expectError(set(ml, Map.of("name", name, "key", "k", "value", 3)), 400, "INVALID_PARAMETER_VALUE", "'value'");
        expectError(
                set(ml, Map.of("name", name, "key", "k".repeat(251), "value", "v")),
                400,
                "INVALID_PARAMETER_VALUE",
                "at most 250");
        expectError(
                set(ml, Map.of("name", name, "key", "k", "value", "v".repeat(5001))),
                400,
                "INVALID_PARAMETER_VALUE",
                "at most 5000");
        expectError(
                set(ml, Map.of("name", "no such model", "key", "k", "value", "v")),
                400,
                "INVALID_PARAMETER_VALUE",
                "name");
        expectError(
                set(ml, Map.of("name", name + "-none", "key", "k", "value", "v")),
                404,
                "RESOURCE_DOES_NOT_EXIST",
                name + "-none");
        expectError(deleteTagWithBody(ml, Map.of("key", "k")), 400, "INVALID_PARAMETER_VALUE", "'name'");
        expectError(deleteTagWithBody(ml, Map.of("name", name)), 400, "INVALID_PARAMETER_VALUE", "'key'");
        expectError(
                deleteTagWithBody(ml, Map.of("name", name + "-none", "key", "k")),
                404,
                "RESOURCE_DOES_NOT_EXIST",
                name + "-none");
        expectError(
                given().header("Authorization", ml)
                        .contentType(ContentType.JSON)
                        .body("{\"name\":")
                        .delete(API + "registered-models/delete-tag")
                        .then(),
                400,
                "INVALID_PARAMETER_VALUE",
                "JSON");
    }

    @Test
    void atMostAHundredTagsAndOnlyMlChangesThem() {
        String name = create("mltl-", Map.of());
        String ml = TestAuth.bearer("alice", Roles.ML);
        for (int i = 0; i < 100; i++) {
            setTag(ml, Map.of("name", name, "key", "k" + i, "value", "v"));
        }
        expectError(
                set(ml, Map.of("name", name, "key", "one-more", "value", "v")),
                400,
                "INVALID_PARAMETER_VALUE",
                "at most 100");
        setTag(ml, Map.of("name", name, "key", "k0", "value", "replacing is fine"));

        Map<String, String> body = Map.of("name", name, "key", "k1", "value", "v");
        Map<String, String> key = Map.of("name", name, "key", "k1");
        expectError(set(TestAuth.ANONYMOUS, body), 401, "UNAUTHENTICATED", "");
        expectError(deleteTagWithBody(TestAuth.ANONYMOUS, key), 401, "UNAUTHENTICATED", "");
        for (String role : List.of(Roles.VIEWER, Roles.RELEASE, Roles.DATA)) {
            expectError(set(TestAuth.bearer("bob", role), body), 403, "PERMISSION_DENIED", "");
            expectError(deleteTagWithBody(TestAuth.bearer("bob", role), key), 403, "PERMISSION_DENIED", "");
        }
        assertEquals(100, tags(name).size());
    }

    @Test
    void aVersionsLastUpdatedTimestampMovesWithItsDescription() {
        String name = create("mltu-", Map.of());
        for (int seed = 0; seed < 2; seed++) {
            String sha = TestArtifacts.upload(channel, TestArtifacts.randomBytes(1500, name.hashCode() + seed))
                    .getSha256();
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", name, "source", "sha256:" + sha))
                    .post(API + "model-versions/create")
                    .then()
                    .statusCode(200);
        }
        Map<String, Object> v1 = version(name, 1);
        long registered = ((Number) v1.get("creation_timestamp")).longValue();
        assertEquals(registered, ((Number) v1.get("last_updated_timestamp")).longValue(), "unchanged since created");
        long v2Created = ((Number) version(name, 2).get("creation_timestamp")).longValue();

        String ml = TestAuth.bearer("alice", Roles.ML);
        nextMilli(v2Created);
        long updated = ((Number)
                        patch(ml, "model-versions/update", Map.of("name", name, "version", "1", "description", "notes"))
                                .extract()
                                .path("model_version.last_updated_timestamp"))
                .longValue();
        assertTrue(updated > v2Created, "the description moves it: " + registered + " -> " + updated);
        assertEquals(updated, ((Number) version(name, 1).get("last_updated_timestamp")).longValue());
        assertEquals(registered, ((Number) version(name, 1).get("creation_timestamp")).longValue());
        // the same text again changes nothing
        patch(ml, "model-versions/update", Map.of("name", name, "version", "1", "description", "notes"));
        assertEquals(updated, ((Number) version(name, 1).get("last_updated_timestamp")).longValue());
        // version 1 changed last: first by last_updated_timestamp DESC, last by creation_timestamp DESC
        Map<String, Object> byUpdate = new HashMap<>(Map.of("filter", "name='" + name + "'"));
        byUpdate.put("order_by", List.of("last_updated_timestamp DESC"));
        given().contentType(ContentType.JSON)
                .body(byUpdate)
                .post(API + "model-versions/search")
                .then()
                .statusCode(200)
                .body("model_versions.version", equalTo(List.of("1", "2")));
        byUpdate.put("order_by", List.of("creation_timestamp DESC"));
        given().contentType(ContentType.JSON)
                .body(byUpdate)
                .post(API + "model-versions/search")
                .then()
                .statusCode(200)
                .body("model_versions.version", equalTo(List.of("2", "1")));
    }

    @Test
    void aRegisteredModelsLastUpdatedTimestampMovesWithItsDescription() {
        String name = create("mltm-", Map.of());
        String ml = TestAuth.bearer("alice", Roles.ML);
        long model = lastUpdated(name);
        nextMilli(model);
        long described = ((Number) patch(ml, "registered-models/update", Map.of("name", name, "description", "kws"))
                        .extract()
                        .path("registered_model.last_updated_timestamp"))
                .longValue();
        assertTrue(described > model, model + " -> " + described);
        patch(ml, "registered-models/update", Map.of("name", name, "description", "kws"));
        assertEquals(described, lastUpdated(name));
    }

    // --- helpers

    /** Creates a registered model named {@code prefix} + a random suffix, with {@code tags}; returns its name. */
    private static String create(String prefix, Map<String, String> tags) {
        String name = prefix + UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, String>> list = new TreeMap<>(tags)
                .entrySet().stream().map(e -> tag(e.getKey(), e.getValue())).toList();
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "tags", list))
                .post(API + "registered-models/create")
                .then()
                .statusCode(200)
                .body("registered_model.tags", equalTo(list));
        return name;
    }

    private static String setTag(String authorization, Map<String, ?> body) {
        return set(authorization, body).statusCode(200).extract().asString();
    }

    private static ValidatableResponse set(String authorization, Map<String, ?> body) {
        return given().header("Authorization", authorization)
                .contentType(ContentType.JSON)
                .body(body)
                .post(API + "registered-models/set-tag")
                .then();
    }

    private static ValidatableResponse deleteTagWithBody(String authorization, Map<String, ?> body) {
        return given().header("Authorization", authorization)
                .contentType(ContentType.JSON)
                .body(body)
                .delete(API + "registered-models/delete-tag")
                .then();
    }

    private static ValidatableResponse patch(String authorization, String path, Map<String, ?> body) {
        return given().header("Authorization", authorization)
                .contentType(ContentType.JSON)
                .body(body)
                .patch(API + path)
                .then()
                .statusCode(200);
    }

    private static long lastUpdated(String name) {
        return given().queryParam("name", name)
                .get(API + "registered-models/get")
                .then()
                .statusCode(200)
                .extract()
                .<Number>path("registered_model.last_updated_timestamp")
                .longValue();
    }

    private static List<Map<String, String>> tags(String name) {
        return given().queryParam("name", name)
                .get(API + "registered-models/get")
                .then()
                .statusCode(200)
                .extract()
                .path("registered_model.tags");
    }

    private static Map<String, Object> version(String name, int version) {
        return given().queryParam("name", name)
                .queryParam("version", version)
                .get(API + "model-versions/get")
                .then()
                .statusCode(200)
                .extract()
                .path("model_version");
    }

    private static Map<String, String> tag(String key, String value) {
        return Map.of("key", key, "value", value);
    }

    /** Waits until the clock is past {@code epochMillis}, so a change made now gets a later timestamp; returns now. */
    private static long nextMilli(long epochMillis) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> System.currentTimeMillis() > epochMillis);
        return System.currentTimeMillis();
    }

    /** MLflow's error body with {@code status} and {@code code}, its message containing {@code inMessage}. */
    private static void expectError(ValidatableResponse r, int status, String code, String inMessage) {
        r.statusCode(status).contentType(ContentType.JSON);
        String body = r.extract().asString();
        assertEquals(code, r.extract().path("error_code"), body);
        String message = r.extract().path("message");
        assertTrue(message != null && !message.isBlank() && message.contains(inMessage), body);
    }
}
