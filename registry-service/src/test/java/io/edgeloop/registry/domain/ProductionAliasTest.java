package io.edgeloop.registry.domain;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.persistence.AliasEntity;
import io.edgeloop.registry.persistence.HistoryEntity;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The {@code production} alias follows deployment-service's {@code Deployed} events, consumed from the embedded
 * Kafka broker by the real consumer: completions move it, rollbacks of the production version move it back, rejected
 * and fleet phases are recorded with their reason, redeliveries change nothing.
 */
@QuarkusTest
class ProductionAliasTest {
    @GrpcClient("self")
    Channel channel;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Test
    void completionsMoveProductionOnceAndRedeliveryDoesNotMoveItBack() {
        String model = modelWithVersions(2);
        Deployed first = deployed(model, 1, "completed", "ro-1", "");
        Deployed second = deployed(model, 2, "completed", "ro-2", "");
        publish(model, first, second, first); // the first one redelivered after the second
        Deployed barrier = deployed(model, 2, "wave", "ro-3", "");
        publish(model, barrier);
        List<Map<String, Object>> history = awaitHistory(model, barrier);

        assertEquals(2, productionVersion(model));
        assertEquals(
                2,
                registry.getVersion(GetVersionRequest.newBuilder()
                                .setModelName(model)
                                .setAlias("production")
                                .build())
                        .getVersion());
        List<Map<String, Object>> moves = aliasMoves(history);
        assertEquals(2, moves.size(), "one move per completion: " + moves);
        assertEquals(List.of(1, 2), moves.stream().map(m -> m.get("version")).toList());
        assertEquals(
                List.of(0, 1), moves.stream().map(m -> m.get("previousVersion")).toList());
        Map<String, Object> move = moves.get(1);
        assertEquals("deployment-service", move.get("actor"));
        assertEquals("alias-set", move.get("kind"));
        String reason = (String) move.get("reason");
        assertTrue(reason.contains("ro-2") && reason.contains("dev-a") && reason.contains("dev-b"), reason);
        // each event is recorded once, and its alias move right after it
        assertEquals(
                List.of("deployed", "alias-set", "deployed", "alias-set", "deployed"),
                history.stream().map(e -> e.get("kind")).toList());
        assertEquals(
                List.of(
                        first.getMeta().getEventId(),
                        second.getMeta().getEventId(),
                        barrier.getMeta().getEventId()),
                history.stream()
                        .filter(e -> "deployed".equals(e.get("kind")))
                        .map(e -> e.get("eventId"))
                        .toList());
    }

    @Test
    void aLateCompletionDoesNotMoveProductionBack() {
        String model = modelWithVersions(2);
        Deployed older = deployed(model, 1, "completed", "ro-1", "");
        Deployed newer = deployed(model, 2, "completed", "ro-2", "");
        newer = newer.toBuilder()
                .setMeta(newer.getMeta().toBuilder()
                        .setOccurredAt(
                                ProtoTime.of(ProtoTime.toInstant(older.getMeta().getOccurredAt())
                                        .plusSeconds(1))))
                .build();
        publish(model, newer, older); // v1's completion arrives after v2's (delayed, or replayed from the DLQ)
        Deployed barrier = deployed(model, 2, "wave", "ro-3", "");
        publish(model, barrier);
        List<Map<String, Object>> history = awaitHistory(model, barrier);

        assertEquals(2, productionVersion(model));
        assertEquals(
                List.of(2),
                aliasMoves(history).stream().map(m -> m.get("version")).toList());
        assertTrue(
                history.stream().anyMatch(e -> older.getMeta().getEventId().equals(e.get("eventId"))),
                "the late event is still recorded");
    }

    @Test
    void rollingBackTheProductionVersionMovesItBackThenRemovesIt() {
        String model = modelWithVersions(3);
        publish(
                model,
                deployed(model, 1, "completed", "ro-1", ""),
                deployed(model, 2, "completed", "ro-2", ""),
                // a canary of v3 rolled back: v3 never was production, nothing moves
                deployed(model, 3, "rolled-back", "ro-3", "error rate 0.91 > 0.05 on dev-a"));
        Deployed rollback = deployed(model, 2, "rolled-back", "ro-4", "operator rollback");
        publish(model, rollback);
        awaitHistory(model, rollback);
        assertEquals(1, productionVersion(model));

        Deployed rollbackOfV1 = deployed(model, 1, "rolled-back", "ro-5", "operator rollback");
        publish(model, rollbackOfV1);
        List<Map<String, Object>> history = awaitHistory(model, rollbackOfV1);
        // v2 was rolled back before, so there is nothing to go back to: the alias is removed
        given().get("/models/" + model + "/aliases/production").then().statusCode(404);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> registry.getVersion(GetVersionRequest.newBuilder()
                        .setModelName(model)
                        .setAlias("production")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

        List<Map<String, Object>> moves = aliasMoves(history);
        assertEquals(
                List.of("alias-set", "alias-set", "alias-set", "alias-deleted"),
                moves.stream().map(m -> m.get("kind")).toList());
        assertEquals(
                List.of(1, 2, 1, 0), moves.stream().map(m -> m.get("version")).toList());
        assertEquals(
                List.of(0, 1, 2, 1),
                moves.stream().map(m -> m.get("previousVersion")).toList());
        String back = (String) moves.get(2).get("reason");
        assertTrue(back.contains("ro-4") && back.contains("operator rollback"), back);
        Map<String, Object> canary = deployedEntry(history, "ro-3");
        assertEquals("rolled-back", canary.get("phase"));
        assertEquals("error rate 0.91 > 0.05 on dev-a", canary.get("reason"));
    }

    @Test
    void rejectedAndFleetPhasesAreRecordedWithTheirReason() {
        String model = modelWithVersions(2);
        publish(
                model,
                deployed(model, 1, "completed", "ro-1", ""),
                deployed(model, 2, "rejected", "ro-2", "accuracy 0.10 < min 0.80"));
        Deployed fleet = deployed(model, 1, "fleet", "ro-1", "dev-b unloaded the model").toBuilder()
                .clearDeviceIds()
                .addDeviceIds("dev-a")
                .setDevicesActive(1)
                .build();
        publish(model, fleet);
        List<Map<String, Object>> history = awaitHistory(model, fleet);

        assertEquals(1, productionVersion(model), "a rejected version is never production");
        Map<String, Object> rejected = deployedEntry(history, "ro-2");
        assertEquals("rejected", rejected.get("phase"));
        assertEquals(2, rejected.get("version"));
        assertEquals("accuracy 0.10 < min 0.80", rejected.get("reason"));
        Map<String, Object> fleetEntry = history.get(history.size() - 1);
        assertEquals("fleet", fleetEntry.get("phase"));
        assertEquals("dev-b unloaded the model", fleetEntry.get("reason"));
        assertEquals(1, fleetEntry.get("devicesActive"));
        assertEquals(1, aliasMoves(history).size());
        assertNull(deployedEntry(history, "ro-1").get("reason"), "a completion has no reason");
    }

    @Test
    void completionsOfModelsTheRegistryDoesNotHaveAreOnlyRecorded() {
        String model = "ghost-" + UUID.randomUUID().toString().substring(0, 8);
        Deployed completed = deployed(model, 4, "completed", "ro-g", "");
        publish(model, completed);
        String eventId = completed.getMeta().getEventId();
        await(
                "ghost completion recorded",
                () -> QuarkusTransaction.requiringNew().call(() -> HistoryEntity.count("eventId", eventId)) > 0
                        ? Boolean.TRUE
                        : null);
        assertEquals(
                0L,
                QuarkusTransaction.requiringNew().call(() -> AliasEntity.count("modelName", model)),
                "no alias for a model the registry does not have");
    }

    private static Deployed deployed(String model, int version, String phase, String rollout, String reason) {
        return Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", "corr-" + model, ""))
                .setDeploymentId("dep-" + rollout)
                .setRolloutId(rollout)
                .setModelName(model)
                .setModelVersion(version)
                .setVariantId(model + "-v" + version + "-cpu-fp32")
                .addDeviceIds("dev-a")
                .addDeviceIds("dev-b")
                .setDevicesTargeted(2)
                .setDevicesActive("completed".equals(phase) ? 2 : 0)
                .setPhase(phase)
                .setReason(reason)
                .build();
    }

    private static void publish(String model, Deployed... events) {
        Properties p = new Properties();
        p.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (Deployed event : events) {
                producer.send(new ProducerRecord<>(Topics.DEPLOYED, model, event.toByteArray()))
                        .get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish Deployed", e);
        }
    }

    /**
     * The model's history once {@code last} is in it. Records of one model share a partition and are consumed in
     * order, so everything published before {@code last} has been applied by then.
     */
    private static List<Map<String, Object>> awaitHistory(String model, Deployed last) {
        return await("Deployed " + last.getMeta().getEventId() + " recorded", () -> {
            List<Map<String, Object>> entries = given().get("/models/" + model + "/history?limit=1000")
                    .then()
                    .extract()
                    .jsonPath()
                    .getList("$");
            boolean done = entries != null
                    && entries.stream()
                            .anyMatch(e -> last.getMeta().getEventId().equals(e.get("eventId")));
            return done ? entries : null;
        });
    }

    private static List<Map<String, Object>> aliasMoves(List<Map<String, Object>> history) {
        return history.stream().filter(e -> "production".equals(e.get("alias"))).toList();
    }

    private static Map<String, Object> deployedEntry(List<Map<String, Object>> history, String rollout) {
        return history.stream()
                .filter(e -> "deployed".equals(e.get("kind")) && rollout.equals(e.get("rolloutId")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no deployed entry of " + rollout + " in " + history));
    }

    private static int productionVersion(String model) {
        return given().get("/models/" + model + "/aliases/production")
                .then()
                .statusCode(200)
                .extract()
                .path("version");
    }

    private String modelWithVersions(int n) {
        return TestArtifacts.modelWithVersions(channel, registry, "prod-", 1500, n);
    }

    /** Polls {@code probe} until it answers non-null (at most 60 s). */
    private static <T> T await(String what, Supplier<T> probe) {
        return org.awaitility.Awaitility.await(what)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(probe::get, java.util.Objects::nonNull);
    }
}
