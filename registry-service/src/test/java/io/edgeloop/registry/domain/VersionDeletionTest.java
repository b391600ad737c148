package io.edgeloop.registry.domain;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.SetAliasRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VersionDeletionTest {
    @GrpcClient("self")
    Channel channel;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Inject
    ArtifactStore store;

    @Test
    void deletingAVersionCollectsOnlyBlobsNothingElseReferences() {
        String model = "gc-" + UUID.randomUUID().toString().substring(0, 8);
        String other = "gc-other-" + UUID.randomUUID().toString().substring(0, 8);
        String shared = TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, model.hashCode()))
                .getSha256();
        String variantOnly = TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, model.hashCode() + 1))
                .getSha256();
        String crossModel = TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, model.hashCode() + 2))
                .getSha256();
        register(model, shared); // v1
        register(model, shared); // v2: same blob as v1
        registry.addVariant(AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(2)
                .setTarget("cpu-int8")
                .setFormat("onnx")
                .setArtifactSha256(variantOnly)
                .build());
        registry.addVariant(AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(2)
                .setTarget("cpu-fp32")
                .setFormat("onnx")
                .setArtifactSha256(crossModel)
                .build());
        register(other, crossModel); // another model uses the blob of a variant

        // an alias protects the version
        registry.setAlias(SetAliasRequest.newBuilder()
                .setModelName(model)
                .setAlias("champion")
                .setVersion(2)
                .build());
        given().delete("/models/" + model + "/versions/2")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        assertTrue(store.exists(variantOnly));
        given().delete("/models/" + model + "/aliases/champion").then().statusCode(204);

        given().delete("/models/" + model + "/versions/2?actor=janitor&reason=bad")
                .then()
                .statusCode(200)
                .body("deletedArtifacts", contains(variantOnly));
        assertTrue(store.exists(shared), "v1 still references it");
        assertFalse(store.exists(variantOnly), "nothing references it any more");
        assertTrue(store.exists(crossModel), "the other model references it");
        given().get("/artifacts/" + variantOnly).then().statusCode(404);
        given().get("/models/" + model + "/versions/2").then().statusCode(404);
        given().get("/models/" + model + "/versions/latest")
                .then()
                .statusCode(200)
                .body("version", equalTo(1));
        given().delete("/models/" + model + "/versions/2").then().statusCode(404);

        given().delete("/models/" + model + "/versions/1")
                .then()
                .statusCode(200)
                .body("deletedArtifacts", contains(shared));
        assertFalse(store.exists(shared));
        given().get("/models/" + model + "/versions").then().statusCode(200).body("$", empty());
        given().get("/models/" + model).then().statusCode(200).body("latestVersion", equalTo(0));

        // numbers are not reused
        String again = TestArtifacts.upload(channel, TestArtifacts.randomBytes(3000, model.hashCode()))
                .getSha256();
        assertEquals(shared, again);
        assertEquals(3, register(model, again));

        given().get("/models/" + model + "/history")
                .then()
                .body("kind", contains("alias-set", "alias-deleted", "version-deleted", "version-deleted"))
                .body("version", contains(2, 0, 2, 1))
                .body("actor[2]", equalTo(TestAuth.ADMIN_SUBJECT)); // the token's subject, not ?actor=
    }

    private int register(String model, String sha) {
        return registry.registerVersion(RegisterVersionRequest.newBuilder()
                        .setModelName(model)
                        .setArtifactSha256(sha)
                        .build())
                .getVersion();
    }
}
