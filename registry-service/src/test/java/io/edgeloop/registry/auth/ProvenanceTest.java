package io.edgeloop.registry.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Provenance: only {@code ml} identities upload and register, the registry signs only what they registered, and the
 * registering subject (versions, variants) and the acting subject (history) are the token's, never the client's word.
 */
@QuarkusTest
class ProvenanceTest {
    @GrpcClient("self")
    Channel channel;

    @Inject
    ArtifactStore store;

    @Test
    void uploadsAndRegistrationsByOtherRolesAreRefusedAndNothingIsStoredOrSigned() throws IOException {
        byte[] data = TestArtifacts.randomBytes(3000, UUID.randomUUID().hashCode());
        String sha = Hashing.sha256Hex(data);
        for (String who : List.of(
                TestAuth.bearer("vera", Roles.VIEWER),
                TestAuth.bearer("device-7", Roles.DEVICE),
                TestAuth.bearer("rel", Roles.RELEASE))) {
            assertCode(Status.Code.PERMISSION_DENIED, () -> TestArtifacts.upload(TestArtifacts.as(channel, who), data));
        }
        assertCode(
                Status.Code.UNAUTHENTICATED, () -> TestArtifacts.upload(TestArtifacts.as(channel, "Bearer x"), data));
        assertTrue(store.size(sha).isEmpty(), "a refused upload stores nothing");

        // uploaded by an ml identity, but a viewer may not register it (gRPC or MLflow): it stays unsigned
        TestArtifacts.upload(TestArtifacts.as(channel, TestAuth.bearer("carol", Roles.ML)), data);
        String model = "prov-" + UUID.randomUUID().toString().substring(0, 8);
        String viewer = TestAuth.bearer("vera", Roles.VIEWER);
        assertCode(
                Status.Code.PERMISSION_DENIED,
                () -> TestArtifacts.as(ModelRegistryGrpc.newBlockingStub(channel), viewer)
                        .registerVersion(RegisterVersionRequest.newBuilder()
                                .setModelName(model)
                                .setArtifactSha256(sha)
                                .build()));
        given().header("Authorization", viewer)
                .contentType(ContentType.JSON)
                .body(Map.of("name", model))
                .post("/api/2.0/mlflow/registered-models/create")
                .then()
                .statusCode(403)
                .contentType("application/json")
                .body("error_code", equalTo("PERMISSION_DENIED"));
        given().header("Authorization", viewer)
                .contentType(ContentType.JSON)
                .body(Map.of("name", model, "source", "sha256:" + sha))
                .post("/api/2.0/mlflow/model-versions/create")
                .then()
                .statusCode(403);
        given().get("/models/" + model).then().statusCode(404);
        assertTrue(signatureOf(sha).isEmpty(), "never registered, never signed");
    }

    @Test
    void whoRegisteredAndWhoMovedAliasesIsTheTokensSubject() {
        String ml = TestAuth.bearer("carol", Roles.ML);
        byte[] data = TestArtifacts.randomBytes(4000, UUID.randomUUID().hashCode());
        String sha = TestArtifacts.upload(TestArtifacts.as(channel, ml), data).getSha256();
        String variantSha = TestArtifacts.upload(
                        TestArtifacts.as(channel, ml), TestArtifacts.randomBytes(4001, sha.hashCode()))
                .getSha256();
        String model = "prov-" + UUID.randomUUID().toString().substring(0, 8);
        var registry = TestArtifacts.as(ModelRegistryGrpc.newBlockingStub(channel), ml);
        registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .build());
        TestArtifacts.as(ModelRegistryGrpc.newBlockingStub(channel), TestAuth.bearer("dave", Roles.ML))
                .addVariant(AddVariantRequest.newBuilder()
                        .setModelName(model)
                        .setModelVersion(1)
                        .setTarget("cpu-int8")
                        .setFormat("onnx")
                        .setArtifactSha256(variantSha)
                        .build());
        assertFalse(signatureOf(sha).isEmpty(), "registration signed the version's artifact");
        assertFalse(signatureOf(variantSha).isEmpty(), "adding the variant signed its artifact");

        // MLflow: a second version registered by erin
        given().header("Authorization", TestAuth.bearer("erin", Roles.ML))
                .contentType(ContentType.JSON)
                .body(Map.of("name", model, "source", "sha256:" + sha))
                .post("/api/2.0/mlflow/model-versions/create")
                .then()
                .statusCode(200)
                .body("model_version.user_id", equalTo("erin"));

        given().get("/models/" + model + "/versions")
                .then()
                .statusCode(200)
                .body("registeredBy", contains("carol", "erin"))
                .body("[0].variants[0].registeredBy", equalTo("dave"));

        // alias moves over REST and MLflow record the subject, whatever actor the client claims
        given().header("Authorization", TestAuth.bearer("frank", Roles.RELEASE))
                .contentType(ContentType.JSON)
                .body(Map.of("version", 1, "actor", "mallory"))
                .put("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(200);
        given().header("Authorization", TestAuth.bearer("gina", Roles.RELEASE))
                .contentType(ContentType.JSON)
                .body(Map.of("name", model, "alias", "champion", "version", "2", "actor", "mallory"))
                .post("/api/2.0/mlflow/registered-models/alias")
                .then()
                .statusCode(200);
        given().header("Authorization", TestAuth.bearer("hank", Roles.RELEASE))
                .delete("/api/2.0/mlflow/registered-models/alias?name=" + model + "&alias=champion&actor=mallory")
                .then()
                .statusCode(200);
        given().get("/models/" + model + "/history")
                .then()
                .statusCode(200)
                .body("kind", contains("alias-set", "alias-set", "alias-deleted"))
                .body("actor", contains("frank", "gina", "hank"));
    }

    private String signatureOf(String sha) {
        return ArtifactServiceGrpc.newBlockingStub(channel)
                .getArtifact(GetArtifactRequest.newBuilder().setSha256(sha).build())
                .getSignature();
    }

    private static void assertCode(Status.Code code, Executable call) {
        var e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }
}
