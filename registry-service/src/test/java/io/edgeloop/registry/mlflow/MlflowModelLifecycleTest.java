package io.edgeloop.registry.mlflow;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.domain.History;
import io.edgeloop.registry.domain.HistoryEntry;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * MLflow {@code registered-models/update|rename|delete} and {@code model-versions/update} over REST: roles (401, 403),
 * shapes, MLflow error codes, the history entries each change leaves, and what deletion does to versions and blobs.
 */
@QuarkusTest
class MlflowModelLifecycleTest {
    private static final String API = "/api/2.0/mlflow/";

    @GrpcClient("self")
    Channel channel;

    @Inject
    ArtifactStore store;

    @Inject
    History history;

    @Test
    void descriptionsAreStoredReturnedAndRecordedWithTheCaller() {
        String name = "mld-" + UUID.randomUUID().toString().substring(0, 8);
        create(name);
        createVersion(name, upload(name, 0));
        String alice = TestAuth.bearer("alice", Roles.ML);

        call(alice, "PATCH", "registered-models/update", Map.of("name", name, "description", "Keyword spotter"))
                .statusCode(200)
                .body("registered_model.name", equalTo(name))
                .body("registered_model.description", equalTo("Keyword spotter"));
        call(alice, "PATCH", "model-versions/update", Map.of("name", name, "version", "1", "description", "v1 notes"))
                .statusCode(200)
                .body("model_version.version", equalTo("1"))
                .body("model_version.description", equalTo("v1 notes"));
        // the same description again changes and records nothing
        call(alice, "PATCH", "model-versions/update", Map.of("name", name, "version", "1", "description", "v1 notes"))
                .statusCode(200);

        given().queryParam("name", name)
                .get(API + "registered-models/get")
                .then()
                .statusCode(200)
                .body("registered_model.description", equalTo("Keyword spotter"))
                .body("registered_model.latest_versions[0].description", equalTo("v1 notes"));
        given().queryParam("filter", "name = '" + name + "'")
                .get(API + "registered-models/search")
                .then()
                .body("registered_models[0].description", equalTo("Keyword spotter"));
        given().queryParam("name", name)
                .get(API + "registered-models/get-latest-versions")
                .then()
                .body("model_versions[0].description", equalTo("v1 notes"));
        given().get("/models/" + name + "/versions/1").then().body("description", equalTo("v1 notes"));

        call(alice, "PATCH", "registered-models/update", Map.of("name", name, "description", ""))
                .statusCode(200)
                .body("registered_model.description", equalTo(""));
        given().get("/models/" + name + "/history")
                .then()
                .statusCode(200)
                .body("kind", everyItem(equalTo("description-updated")))
                .body("version", equalTo(List.of(0, 1, 0)))
                .body("actor", equalTo(List.of("alice", "alice", "alice")))
                .body("[0].description", equalTo("Keyword spotter"))
                .body("[1].description", equalTo("v1 notes"))
                .body("[2].description", equalTo(null));
    }

    @Test
    void updateErrorsAndRoles() {
        String name = "mle-" + UUID.randomUUID().toString().substring(0, 8);
        create(name);
        String ml = TestAuth.bearer("alice", Roles.ML);
        expectError(call(ml, "PATCH", "registered-models/update", Map.of("description", "x")), 400, "'name'");
        expectError(call(ml, "PATCH", "registered-models/update", Map.of("name", " ")), 400, "'name'");
        expectError(
                call(ml, "PATCH", "registered-models/update", Map.of("name", name, "description", "x".repeat(5001))),
                400,
                "description");
        expectError(
                call(ml, "PATCH", "registered-models/update", Map.of("name", name + "-none", "description", "x")),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        expectError(
                call(ml, "PATCH", "registered-models/update", Map.of("name", "a\u0000b", "description", "x")),
                400,
                "name");
        expectError(
                call(ml, "PATCH", "registered-models/update", Map.of("name", name, "description", "a\u0000b")),
                400,
                "description");
        expectError(call(ml, "PATCH", "model-versions/update", Map.of("name", name)), 400, "'version'");
        expectError(call(ml, "PATCH", "model-versions/update", Map.of("name", name, "version", "x")), 400, "version");
        expectError(
                call(ml, "PATCH", "model-versions/update", Map.of("name", name, "version", "7")),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        expectError(
                call(ml, "PATCH", "registered-models/update", Map.of("name", name, "description", Map.of("a", 1))),
                400,
                "description");
        Map<String, String> body = Map.of("name", name, "description", "x");
        for (String path : List.of("registered-models/update", "model-versions/update")) {
            expectError(call(TestAuth.ANONYMOUS, "PATCH", path, body), 401, "UNAUTHENTICATED");
            expectError(call(TestAuth.bearer("bob", Roles.VIEWER), "PATCH", path, body), 403, "PERMISSION_DENIED");
            expectError(call(TestAuth.bearer("bob", Roles.RELEASE), "PATCH", path, body), 403, "PERMISSION_DENIED");
        }
        // a wrong role changed nothing
        given().queryParam("name", name)
                .get(API + "registered-models/get")
                .then()
                .body("registered_model.description", equalTo(""));
    }

    @Test
    void renameMovesAModelWithoutVersionsAndRefusesOneWithVersions() {
        String prefix = "mlr-" + UUID.randomUUID().toString().substring(0, 8);
        String draft = prefix + "-draft";
        String renamed = prefix + "-kws";
        String ml = TestAuth.bearer("alice", Roles.ML);
        call(
                        ml,
                        "POST",
                        "registered-models/create",
                        Map.of("name", draft, "tags", List.of(Map.of("key", "team", "value", "audio"))))
                .statusCode(200);
        call(ml, "PATCH", "registered-models/update", Map.of("name", draft, "description", "typo in the name"))
                .statusCode(200);

        call(ml, "POST", "registered-models/rename", Map.of("name", draft, "new_name", renamed))
                .statusCode(200)
                .body("registered_model.name", equalTo(renamed))
                .body("registered_model.description", equalTo("typo in the name"))
                .body("registered_model.tags", equalTo(List.of(Map.of("key", "team", "value", "audio"))));
        expectError(
                given().queryParam("name", draft)
                        .get(API + "registered-models/get")
                        .then(),
                404,
                draft);
        given().get("/models/" + renamed + "/history")
                .then()
                .body("kind", equalTo(List.of("model-renamed")))
                .body("[0].actor", equalTo("alice"))
                .body("[0].reason", equalTo("renamed from " + draft + " to " + renamed));

        // a model with versions: refused, saying why and what to do instead
        createVersion(renamed, upload(renamed, 0));
        expectError(
                        call(
                                ml,
                                "POST",
                                "registered-models/rename",
                                Map.of("name", renamed, "new_name", prefix + "-other")),
                        409,
                        "INVALID_STATE")
                .body("message", containsString("cannot be renamed"))
                .body("message", containsString("model-versions/create"));
        given().queryParam("name", renamed)
                .get(API + "registered-models/get")
                .then()
                .statusCode(200);

        create(prefix + "-a");
        create(prefix + "-b");
        expectError(
                call(ml, "POST", "registered-models/rename", Map.of("name", prefix + "-a", "new_name", prefix + "-b")),
                400,
                "RESOURCE_ALREADY_EXISTS");
        expectError(call(ml, "POST", "registered-models/rename", Map.of("name", prefix + "-a")), 400, "'new_name'");
        expectError(
                call(ml, "POST", "registered-models/rename", Map.of("name", prefix + "-a", "new_name", "bad name!")),
                400,
                "new_name");
        expectError(
                call(ml, "POST", "registered-models/rename", Map.of("name", prefix + "-zz", "new_name", prefix + "-y")),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        Map<String, String> rename = Map.of("name", prefix + "-a", "new_name", prefix + "-c");
        expectError(call(TestAuth.ANONYMOUS, "POST", "registered-models/rename", rename), 401, "UNAUTHENTICATED");
        expectError(
                call(TestAuth.bearer("bob", Roles.VIEWER), "POST", "registered-models/rename", rename),
                403,
                "PERMISSION_DENIED");
        given().queryParam("name", prefix + "-a")
                .get(API + "registered-models/get")
                .then()
                .statusCode(200);
    }

    @Test
    void deleteIsRefusedWhileAVersionIsInUseThenDeletesVersionsAndTheirBlobs() {
        String name = "mlx-" + UUID.randomUUID().toString().substring(0, 8);
        String other = name + "-other";
        String own = upload(name, 1);
        String shared = upload(name, 2);
        create(name);
        create(other);
        createVersion(name, own);
        createVersion(name, shared);
        createVersion(other, shared);
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "alias", "champion", "version", "1"))
                .post(API + "registered-models/alias")
                .then()
                .statusCode(200);
        String admin = TestAuth.bearer("root", Roles.ADMIN);

        expectError(deleteModel(admin, name), 409, "INVALID_STATE")
                .body("message", containsString("version 1 is aliased as [champion]"));
        // model-versions/delete refuses an aliased version the same way
        expectError(
                given().header("Authorization", admin)
                        .delete(API + "model-versions/delete?name=" + name + "&version=1")
                        .then(),
                409,
                "INVALID_STATE");
        given().queryParam("name", name)
                .queryParam("alias", "champion")
                .delete(API + "registered-models/alias")
                .then()
                .statusCode(200);

        // version 2 is being rolled out: still refused; rolled back: deletable
        recordDeployment(name, 2, "wave", 3);
        expectError(deleteModel(admin, name), 409, "INVALID_STATE")
                .body("message", containsString("version 2 is being rolled out (rollout ro-" + name + ", wave 1 of 3"));
        recordDeployment(name, 2, "rolled-back", 0);

        for (String role : List.of(Roles.ML, Roles.RELEASE, Roles.VIEWER)) {
            expectError(deleteModel(TestAuth.bearer("bob", role), name), 403, "PERMISSION_DENIED");
        }
        expectError(deleteModel(TestAuth.ANONYMOUS, name), 401, "UNAUTHENTICATED");
        assertTrue(store.exists(own), "nothing deleted yet");

        deleteModel(admin, name).statusCode(200).body("$", equalTo(Map.of()));
        expectError(
                given().queryParam("name", name)
                        .get(API + "registered-models/get")
                        .then(),
                404,
                name);
        expectError(
                given().queryParam("name", name)
                        .queryParam("version", "2")
                        .get(API + "model-versions/get")
                        .then(),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        assertFalse(store.exists(own), "the blob only the deleted model used is collected");
        assertTrue(store.exists(shared), "the blob another model's version uses stays");
        given().queryParam("name", other)
                .queryParam("version", "1")
                .get(API + "model-versions/get")
                .then()
                .statusCode(200);

        List<HistoryEntry> entries = QuarkusTransaction.requiringNew().call(() -> history.of(name, 0, 100));
        HistoryEntry last = entries.get(entries.size() - 1);
        assertEquals("model-deleted", last.kind());
        assertEquals("root", last.actor());
        assertEquals(2, last.version());
        assertEquals("deleted via the MLflow API (versions [1, 2])", last.reason());

        // the name is free again; unknown and missing names are MLflow errors, the JSON body form works
        call(TestAuth.bearer("alice", Roles.ML), "POST", "registered-models/create", Map.of("name", name))
                .statusCode(200)
                .body("registered_model.latest_versions", hasSize(0));
        given().header("Authorization", admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .delete(API + "registered-models/delete")
                .then()
                .statusCode(200);
        expectError(deleteModel(admin, name), 404, "RESOURCE_DOES_NOT_EXIST");
        expectError(
                given().header("Authorization", admin)
                        .delete(API + "registered-models/delete")
                        .then(),
                400,
                "'name'");
        expectError(
                given().header("Authorization", admin)
                        .contentType(ContentType.JSON)
                        .body("{\"name\":")
                        .delete(API + "registered-models/delete")
                        .then(),
                400,
                "INVALID_PARAMETER_VALUE");
    }

    // --- helpers

    private ValidatableResponse call(String authorization, String method, String path, Object body) {
        return given().header("Authorization", authorization)
                .contentType(ContentType.JSON)
                .body(body)
                .request(method, API + path)
                .then();
    }

    private static ValidatableResponse deleteModel(String authorization, String name) {
        return given().header("Authorization", authorization)
                .queryParam("name", name)
                .delete(API + "registered-models/delete")
                .then();
    }

    /** Asserts MLflow's error body with {@code status}; {@code expected} is in the error code or the message. */
    private static ValidatableResponse expectError(ValidatableResponse r, int status, String expected) {
        r.statusCode(status).contentType(ContentType.JSON);
        String code = r.extract().path("error_code");
        String message = r.extract().path("message");
        assertTrue(
                code != null && !code.isBlank() && message != null && !message.isBlank(),
                r.extract().asString());
        assertTrue(
                code.equals(expected) || message.contains(expected),
                expected + " in " + r.extract().asString());
        return r;
    }

    private void create(String name) {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .post(API + "registered-models/create")
                .then()
                .statusCode(200);
    }

    private void createVersion(String name, String sha) {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "source", "sha256:" + sha))
                .post(API + "model-versions/create")
                .then()
                .statusCode(200);
    }

    private String upload(String name, int seed) {
        return TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, name.hashCode() + seed))
                .getSha256();
    }

    /** Records a Deployed event of {@code phase} for the version, as the consumer does. */
    private void recordDeployment(String name, int version, String phase, int devicesActive) {
        Deployed event = Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", "corr-" + name, "cause-" + name))
                .setDeploymentId("dep-" + name)
                .setModelName(name)
                .setModelVersion(version)
                .setDevicesTargeted(3)
                .setDevicesActive(devicesActive)
                .setRolloutId("ro-" + name)
                .setWave(1)
                .setWavesTotal(3)
                .setPhase(phase)
                .build();
        QuarkusTransaction.requiringNew().run(() -> history.deployed(event));
    }
}
