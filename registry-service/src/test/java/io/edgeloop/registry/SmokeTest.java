package io.edgeloop.registry;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.common.Events;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.kit.outbox.OutboxEvent;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class SmokeTest {
    @GrpcClient("self")
    ArtifactServiceGrpc.ArtifactServiceBlockingStub stub;

    @Inject
    Outbox outbox;

    @Test
    void grpcAndOutboxWork() throws Exception {
        try {
            stub.download(DownloadRequest.newBuilder().setSha256("x").build()).hasNext();
        } catch (StatusRuntimeException e) {
            assertEquals(io.grpc.Status.Code.NOT_FOUND, e.getStatus().getCode());
        }
        var meta = Events.newMeta("registry-service", "", "");
        QuarkusTransaction.requiringNew()
                .run(() -> outbox.enqueue(
                        "deployed",
                        "m",
                        meta,
                        Deployed.newBuilder().setMeta(meta).build()));
        long deadline = System.currentTimeMillis() + 20000;
        OutboxEvent row = null;
        while (System.currentTimeMillis() < deadline) {
            row = QuarkusTransaction.requiringNew()
                    .call(() -> OutboxEvent.<OutboxEvent>find("eventId", meta.getEventId())
                            .firstResult());
            if (row.publishedAt != null) break;
            Thread.sleep(100);
        }
        System.out.println("PUBLISHED " + row.publishedAt);
        given().get("/q/health").then().statusCode(200);
    }
}
