package io.edgeloop.data.auth;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.api.DatasetResource;
import io.edgeloop.testsupport.auth.RoleTable;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Who may call what on data-service: the table, checked against the code and enforced over REST and gRPC. */
@QuarkusTest
class DataRoleTableTest {
    static final RoleTable TABLE = new RoleTable()
            .rest("GET", "/datasets", Roles.VIEWER)
            .rest("GET", "/datasets/{name}", Roles.VIEWER)
            .rest("PUT", "/datasets/{name}", Roles.DATA)
            .rest("GET", "/datasets/{name}/settings", Roles.VIEWER)
            .rest("PUT", "/datasets/{name}/settings", Roles.DATA)
            .rest("POST", "/datasets/{name}/samples", Roles.DATA)
            .rest("POST", "/datasets/{name}/samples/csv", Roles.DATA)
            .rest("POST", "/datasets/{name}/snapshots", Roles.DATA)
            .rest("GET", "/datasets/{name}/snapshots", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/snapshots/{version}", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/snapshots/{version}/export", Roles.VIEWER)
            .rest("DELETE", "/datasets/{name}", Roles.ADMIN)
            .rest("GET", "/datasets/{name}/samples", Roles.VIEWER)
            .rest("POST", "/datasets/{name}/samples/delete", Roles.DATA)
            .rest("GET", "/datasets/{name}/export", Roles.VIEWER)
            .rest("PUT", "/datasets/{name}/samples/{id}/label", Roles.DATA)
            .rest("POST", "/datasets/{name}/labels", Roles.DATA)
            .rest("GET", "/datasets/{name}/samples/{id}/labels", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/queue", Roles.VIEWER)
            .rest("POST", "/datasets/{name}/labels/confirm", Roles.DATA)
            .rest("POST", "/datasets/{name}/recordings", Roles.DATA)
            .rest("GET", "/datasets/{name}/recordings", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/recordings/{id}", Roles.VIEWER)
            .rest("DELETE", "/datasets/{name}/recordings/{id}", Roles.DATA)
            .rest("POST", "/datasets/{name}/images", Roles.DATA)
            .rest("GET", "/datasets/{name}/stats", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/ingests", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/drift", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/imports", Roles.VIEWER)
            .rest("GET", "/datasets/{name}/imports/{id}", Roles.VIEWER)
            .grpc("edgeloop.data.v1.DatasetService/GetSnapshot", Roles.VIEWER)
            .grpc("edgeloop.data.v1.DatasetService/StreamSnapshot", Roles.VIEWER)
            .grpc("edgeloop.data.v1.SuggestionService/ListCaptured", Roles.VIEWER)
            .grpc("edgeloop.data.v1.SuggestionService/Rescore", Roles.ML);

    @GrpcClient("self")
    Channel channel;

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(DatasetResource.class, "io.edgeloop.data");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(DatasetResource.class, "io.edgeloop.data");
        TABLE.assertEnforcedOverRest();
    }

    @Test
    void grpcEnforcesTheTable() {
        TABLE.assertMatchesCode(DatasetResource.class, "io.edgeloop.data");
        TABLE.assertEnforcedOverGrpc(channel);
    }

    @org.junit.jupiter.api.Test
    void everyRestEndpointIsInTheAnonymousOpenApiDocument() {
        io.edgeloop.testsupport.auth.OpenApiCoverage.assertExamples(
                io.edgeloop.testsupport.auth.OpenApiCoverage.assertComplete(DatasetResource.class, "io.edgeloop.data"),
                "PUT /datasets/{name}",
                "POST /datasets/{name}/samples",
                "POST /datasets/{name}/snapshots");
    }
}
