package io.edgeloop.registry.auth;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.registry.api.ModelResource;
import io.edgeloop.testsupport.auth.RoleTable;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Who may call what on registry-service: the table, checked against the code and enforced over REST and gRPC. */
@QuarkusTest
class RegistryRoleTableTest {
    private static final String MLFLOW = "/api/2.0/mlflow/";

    static final RoleTable TABLE = new RoleTable()
            // models, versions, aliases, tags, history
            .rest("GET", "/models", Roles.VIEWER)
            .rest("GET", "/models/{name}", Roles.VIEWER)
            .rest("GET", "/models/{name}/aliases", Roles.VIEWER)
            .rest("GET", "/models/{name}/aliases/{alias}", Roles.VIEWER)
            .rest("PUT", "/models/{name}/aliases/{alias}", Roles.RELEASE)
            .rest("DELETE", "/models/{name}/aliases/{alias}", Roles.RELEASE)
            .rest("GET", "/models/{name}/history", Roles.VIEWER)
            .rest("GET", "/models/{name}/versions", Roles.VIEWER)
            .rest("GET", "/models/{name}/versions/{version}", Roles.VIEWER)
            .rest("GET", "/models/{name}/versions/{version}/card", Roles.VIEWER)
            .rest("DELETE", "/models/{name}/versions/{version}", Roles.ADMIN)
            .rest("PUT", "/models/{name}/versions/{version}/tags/{key}", Roles.ML)
            .rest("DELETE", "/models/{name}/versions/{version}/tags/{key}", Roles.ML)
            // artifacts and signing keys
            .rest("GET", "/artifacts/{sha256}", Roles.VIEWER)
            .rest("POST", "/artifacts/gc", Roles.ADMIN)
            .rest("GET", "/signing-keys", Roles.VIEWER, Roles.DEVICE)
            // MLflow-compatible API
            .rest("POST", MLFLOW + "registered-models/create", Roles.ML)
            .rest("PATCH", MLFLOW + "registered-models/update", Roles.ML)
            .rest("POST", MLFLOW + "registered-models/rename", Roles.ML)
            .rest("DELETE", MLFLOW + "registered-models/delete", Roles.ADMIN)
            .rest("POST", MLFLOW + "registered-models/set-tag", Roles.ML)
            .rest("DELETE", MLFLOW + "registered-models/delete-tag", Roles.ML)
            .rest("GET", MLFLOW + "registered-models/get", Roles.VIEWER)
            .rest("GET", MLFLOW + "registered-models/search", Roles.VIEWER)
            .rest("POST", MLFLOW + "registered-models/search", Roles.VIEWER)
            .rest("GET", MLFLOW + "registered-models/get-latest-versions", Roles.VIEWER)
            .rest("POST", MLFLOW + "registered-models/get-latest-versions", Roles.VIEWER)
            .rest("GET", MLFLOW + "registered-models/alias", Roles.VIEWER)
            .rest("POST", MLFLOW + "registered-models/alias", Roles.RELEASE)
            .rest("DELETE", MLFLOW + "registered-models/alias", Roles.RELEASE)
            .rest("POST", MLFLOW + "model-versions/create", Roles.ML)
            .rest("GET", MLFLOW + "model-versions/get", Roles.VIEWER)
            .rest("GET", MLFLOW + "model-versions/search", Roles.VIEWER)
            .rest("POST", MLFLOW + "model-versions/search", Roles.VIEWER)
            .rest("GET", MLFLOW + "model-versions/get-download-uri", Roles.VIEWER)
            .rest("PATCH", MLFLOW + "model-versions/update", Roles.ML)
            .rest("POST", MLFLOW + "model-versions/transition-stage", Roles.RELEASE)
            .rest("POST", MLFLOW + "model-versions/set-tag", Roles.ML)
            .rest("DELETE", MLFLOW + "model-versions/delete-tag", Roles.ML)
            .rest("DELETE", MLFLOW + "model-versions/delete", Roles.ADMIN)
            // MLflow Tracking API subset
            .rest("POST", MLFLOW + "experiments/create", Roles.ML)
            .rest("GET", MLFLOW + "experiments/get", Roles.VIEWER)
            .rest("GET", MLFLOW + "experiments/get-by-name", Roles.VIEWER)
            .rest("POST", MLFLOW + "experiments/search", Roles.VIEWER)
            .rest("POST", MLFLOW + "experiments/set-experiment-tag", Roles.ML)
            .rest("POST", MLFLOW + "runs/create", Roles.ML)
            .rest("GET", MLFLOW + "runs/get", Roles.VIEWER)
            .rest("POST", MLFLOW + "runs/search", Roles.VIEWER)
            .rest("POST", MLFLOW + "runs/update", Roles.ML)
            .rest("POST", MLFLOW + "runs/log-metric", Roles.ML)
            .rest("POST", MLFLOW + "runs/log-parameter", Roles.ML)
            .rest("POST", MLFLOW + "runs/log-batch", Roles.ML)
            .rest("POST", MLFLOW + "runs/set-tag", Roles.ML)
            .rest("POST", MLFLOW + "runs/delete-tag", Roles.ML)
            .rest("GET", MLFLOW + "metrics/get-history", Roles.VIEWER)
            // gRPC
            .grpc("edgeloop.registry.v1.ArtifactService/Upload", Roles.ML)
            .grpc("edgeloop.registry.v1.ArtifactService/Download", Roles.VIEWER, Roles.DEVICE)
            .grpc("edgeloop.registry.v1.ArtifactService/GetArtifact", Roles.VIEWER, Roles.DEVICE)
            .grpc("edgeloop.registry.v1.ArtifactService/GetSigningKeys", Roles.VIEWER, Roles.DEVICE)
            .grpc("edgeloop.registry.v1.ModelRegistry/RegisterVersion", Roles.ML)
            .grpc("edgeloop.registry.v1.ModelRegistry/AddVariant", Roles.ML)
            .grpc("edgeloop.registry.v1.ModelRegistry/GetVersion", Roles.VIEWER)
            .grpc("edgeloop.registry.v1.ModelRegistry/SetAlias", Roles.RELEASE);

    @GrpcClient("self")
    Channel channel;

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(ModelResource.class, "io.edgeloop.registry");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(ModelResource.class, "io.edgeloop.registry");
        TABLE.assertEnforcedOverRest();
    }

    @Test
    void grpcEnforcesTheTable() {
        TABLE.assertMatchesCode(ModelResource.class, "io.edgeloop.registry");
        TABLE.assertEnforcedOverGrpc(channel);
    }
}
