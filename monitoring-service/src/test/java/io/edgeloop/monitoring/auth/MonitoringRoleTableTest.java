package io.edgeloop.monitoring.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.monitoring.api.ReferenceResource;
import io.edgeloop.proto.telemetry.v1.ListWindowsRequest;
import io.edgeloop.proto.telemetry.v1.TelemetryServiceGrpc;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.edgeloop.testsupport.auth.RoleTable;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who may call what on monitoring-service: the table, checked against the code and enforced over REST and gRPC. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class MonitoringRoleTableTest {
    static final RoleTable TABLE = new RoleTable()
            .rest("GET", "/models/{name}/drift", Roles.VIEWER)
            .rest("GET", "/references", Roles.VIEWER)
            .rest("GET", "/references/{snapshotId}", Roles.VIEWER)
            .rest("GET", "/devices/{id}/telemetry", Roles.VIEWER)
            .grpc("edgeloop.telemetry.v1.TelemetryService/Report", Roles.DEVICE, Roles.RELEASE)
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
        warmUp();
        TABLE.assertEnforcedOverGrpc(channel);
    }

    /**
     * Calls each RPC once as nobody and once as the default admin, with a long deadline, so that the table's probes
     * (which give a unary call 2 s) do not meet the first, cold call on a loaded machine.
     */
    private void warmUp() {
        for (String authorization : new String[] {TestAuth.ANONYMOUS, null}) {
            Channel c = channel;
            if (authorization != null) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
                c = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            var stub = TelemetryServiceGrpc.newBlockingStub(c).withDeadlineAfter(60, TimeUnit.SECONDS);
            assertThrows(StatusRuntimeException.class, () -> stub.report(TelemetryWindow.getDefaultInstance()));
            assertThrows(StatusRuntimeException.class, () -> stub.listWindows(ListWindowsRequest.getDefaultInstance()));
        }
    }
}
