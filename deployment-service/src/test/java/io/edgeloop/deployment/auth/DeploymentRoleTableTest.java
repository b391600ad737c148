package io.edgeloop.deployment.auth;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.api.Views;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.testsupport.auth.RoleTable;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Who may call what on deployment-service: the table, checked against the code and enforced over REST and gRPC. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DeploymentRoleTableTest {
    private static final String[] DEVICE_SIDE = {Roles.DEVICE, Roles.RELEASE};

    static final RoleTable TABLE = new RoleTable()
            .rest("GET", "/deployments", Roles.VIEWER)
            .rest("GET", "/deployments/{id}", Roles.VIEWER)
            .rest("GET", "/devices", Roles.VIEWER)
            .rest("GET", "/devices/{id}", Roles.VIEWER)
            .rest("DELETE", "/devices/{id}", Roles.ADMIN)
            .rest("POST", "/enrollments", Roles.ADMIN)
            .rest("GET", "/enrollments", Roles.ADMIN)
            .rest("DELETE", "/enrollments/{id}", Roles.ADMIN)
            .rest("GET", "/policies", Roles.VIEWER)
            .rest("GET", "/policies/{name}", Roles.VIEWER)
            .rest("PUT", "/policies/{name}", Roles.RELEASE)
            .rest("DELETE", "/policies/{name}", Roles.RELEASE)
            .rest("GET", "/rollouts", Roles.VIEWER)
            .rest("GET", "/rollouts/{id}", Roles.VIEWER)
            .rest("POST", "/rollouts/{id}/start", Roles.RELEASE)
            .rest("POST", "/rollouts/{id}/pause", Roles.RELEASE)
            .rest("POST", "/rollouts/{id}/resume", Roles.RELEASE)
            .rest("POST", "/rollouts/{id}/rollback", Roles.RELEASE)
            .grpc("edgeloop.deployment.v1.DeviceService/Register", DEVICE_SIDE)
            .grpc("edgeloop.deployment.v1.DeviceService/WatchAssignments", DEVICE_SIDE)
            .grpc("edgeloop.deployment.v1.DeviceService/ReportState", DEVICE_SIDE)
            .openGrpc("edgeloop.deployment.v1.DeviceService/Enroll")
            .grpc("edgeloop.deployment.v1.DeviceService/RenewCredential", Roles.DEVICE);

    @GrpcClient("devices")
    Channel channel;

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(Views.class, "io.edgeloop.deployment");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(Views.class, "io.edgeloop.deployment");
        TABLE.assertEnforcedOverRest();
    }

    @Test
    void grpcEnforcesTheTable() {
        TABLE.assertMatchesCode(Views.class, "io.edgeloop.deployment");
        TABLE.assertEnforcedOverGrpc(channel);
    }

    @org.junit.jupiter.api.Test
    void everyRestEndpointIsInTheAnonymousOpenApiDocument() {
        io.edgeloop.testsupport.auth.OpenApiCoverage.assertExamples(
                io.edgeloop.testsupport.auth.OpenApiCoverage.assertComplete(Views.class, "io.edgeloop.deployment"),
                "PUT /policies/{name}");
    }
}
