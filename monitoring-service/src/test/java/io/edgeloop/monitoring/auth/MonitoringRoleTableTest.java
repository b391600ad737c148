package io.edgeloop.monitoring.auth;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.monitoring.api.ReferenceResource;
import io.edgeloop.testsupport.auth.RoleTable;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Who may call what on monitoring-service: the table, checked against the code and enforced over REST and gRPC. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class MonitoringRoleTableTest {
    static final RoleTable TABLE = new RoleTable()
            .rest("GET", "/models/{name}/drift", Roles.VIEWER)
            .rest("GET", "/models/{name}/drift/history", Roles.VIEWER)
            .rest("GET", "/references", Roles.VIEWER)
            .rest("GET", "/references/{snapshotId}", Roles.VIEWER)
            .rest("GET", "/devices/{id}/telemetry", Roles.VIEWER)
            .rest("GET", "/models/{name}/performance", Roles.VIEWER)
            .rest("GET", "/models/{name}/performance/segments", Roles.VIEWER)
            .rest("POST", "/models/{name}/feedback", Roles.DEVICE, Roles.RELEASE)
            .grpc("edgeloop.telemetry.v1.FeedbackService/Submit", Roles.DEVICE, Roles.RELEASE)
            .grpc("edgeloop.telemetry.v1.TelemetryService/Report", Roles.DEVICE, Roles.RELEASE)
            .grpc("edgeloop.telemetry.v1.TelemetryService/ReportBatch", Roles.DEVICE, Roles.RELEASE)
            .grpc("edgeloop.telemetry.v1.TelemetryService/ListWindows", Roles.VIEWER);

    @GrpcClient("telemetry")
    Channel channel;

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(ReferenceResource.FeatureView.class, "io.edgeloop.monitoring");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(ReferenceResource.FeatureView.class, "io.edgeloop.monitoring");
        TABLE.assertEnforcedOverRest();
    }

    @Test
    void grpcEnforcesTheTable() {
        TABLE.assertMatchesCode(ReferenceResource.FeatureView.class, "io.edgeloop.monitoring");
        TABLE.assertEnforcedOverGrpc(channel);
    }

    @org.junit.jupiter.api.Test
    void everyRestEndpointIsInTheAnonymousOpenApiDocument() {
        io.edgeloop.testsupport.auth.OpenApiCoverage.assertComplete(
                ReferenceResource.FeatureView.class, "io.edgeloop.monitoring");
    }
}
