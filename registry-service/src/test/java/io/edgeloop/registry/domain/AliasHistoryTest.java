package io.edgeloop.registry.domain;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.SetAliasRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AliasHistoryTest {
    @GrpcClient("self")
    Channel channel;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Inject
    EntityManager em;

    @Test
    void aliasesMoveOverRestAndGrpcAndEveryMoveIsRecordedWithTheCallersSubject() {
        String model = modelWithVersions(2);

        // a client-supplied actor is ignored: the history records the token's subject
        given().header("Authorization", TestAuth.bearer("alice", Roles.RELEASE))
                .contentType(ContentType.JSON)
                .body(Map.of("version", 1, "actor", "mallory", "reason", "first release"))
                .put("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("aliases", contains("champion"));

        ModelVersion moved = TestArtifacts.as(registry, TestAuth.bearer("ci", Roles.RELEASE))
                .setAlias(SetAliasRequest.newBuilder()
                        .setModelName(model)
                        .setAlias("champion")
                        .setVersion(2)
                        .setActor("mallory")
                        .setReason("better accuracy")
                        .build());
        assertEquals(2, moved.getVersion());
        assertEquals(List.of("champion"), moved.getAliasesList());
        ModelVersion byAlias = registry.getVersion(GetVersionRequest.newBuilder()
                .setModelName(model)
                .setAlias("champion")
                .build());
        assertEquals(2, byAlias.getVersion());
        given().get("/models/" + model + "/versions/1").then().statusCode(200).body("aliases", empty());
        given().get("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(200)
                .body("version", equalTo(2));
        given().get("/models/" + model).then().statusCode(200).body("aliases.champion", equalTo(2));

        given().header("Authorization", TestAuth.bearer("bob", Roles.RELEASE))
                .delete("/models/" + model + "/aliases/champion?actor=mallory&reason=retired")
                .then()
                .statusCode(204);
        given().get("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertCode(
                Status.Code.NOT_FOUND,
                () -> registry.getVersion(GetVersionRequest.newBuilder()
                        .setModelName(model)
                        .setAlias("champion")
                        .build()));

        given().get("/models/" + model + "/history")
                .then()
                .statusCode(200)
                .body("kind", contains("alias-set", "alias-set", "alias-deleted"))
                .body("version", contains(1, 2, 0))
                .body("previousVersion", contains(0, 1, 2))
                .body("actor", contains("alice", "ci", "bob"))
                .body("reason", contains("first release", "better accuracy", "retired"));
    }

    @Test
    void badAliasRequestsAreRejected() {
        String model = modelWithVersions(1);
        given().contentType(ContentType.JSON)
                .body(Map.of("version", 1))
                .put("/models/" + model + "/aliases/latest")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of("version", 9))
                .put("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .body(Map.of("actor", "x"))
                .put("/models/" + model + "/aliases/champion")
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("version"));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> registry.setAlias(SetAliasRequest.newBuilder()
                        .setModelName(model)
                        .setAlias("bad alias!")
                        .setVersion(1)
                        .build()));
        assertCode(
                Status.Code.NOT_FOUND,
                () -> registry.setAlias(SetAliasRequest.newBuilder()
                        .setModelName("no-such-" + UUID.randomUUID())
                        .setAlias("champion")
                        .setVersion(1)
                        .build()));
    }

    @Test
    void concurrentMovesAreAtomicAndFormOneChain() throws Exception {
        String model = modelWithVersions(4);
        int threads = 6;
        int moves = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "worker-" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < moves; i++) {
                        registry.setAlias(SetAliasRequest.newBuilder()
                                .setModelName(model)
                                .setAlias("canary")
                                .setVersion(1 + ThreadLocalRandom.current().nextInt(4))
                                .setActor(actor)
                                .build());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Map<String, Object>> history = given().get("/models/" + model + "/history?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertTrue(history.size() >= 2, "moves were recorded: " + history.size());
        int previous = 0;
        for (Map<String, Object> entry : history) {
            assertEquals("alias-set", entry.get("kind"));
            // each move starts where the one before it ended: no move was lost or interleaved
            assertEquals(previous, entry.get("previousVersion"), "history " + history);
            assertTrue((Integer) entry.get("version") != previous, "a recorded move changes the alias");
            previous = (Integer) entry.get("version");
        }
        int current = given().get("/models/" + model + "/aliases/canary")
                .then()
                .statusCode(200)
                .extract()
                .path("version");
        assertEquals(previous, current);
    }

    @Test
    void historyRefusesUpdatesAndDeletes() {
        String model = modelWithVersions(1);
        registry.setAlias(SetAliasRequest.newBuilder()
                .setModelName(model)
                .setAlias("champion")
                .setVersion(1)
                .build());
        for (String sql : List.of(
                "update registry_history set actor = 'mallory' where model_name = '" + model + "'",
                "delete from registry_history where model_name = '" + model + "'")) {
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> QuarkusTransaction.requiringNew()
                            .run(() -> em.createNativeQuery(sql).executeUpdate()));
            assertTrue(causeChain(e).contains("append-only"), causeChain(e));
        }
        given().get("/models/" + model + "/history").then().body("actor", contains(TestAuth.ADMIN_SUBJECT));
    }

    @Test
    void deployedEventsAreRecordedOncePerEvent() throws Exception {
        String model = modelWithVersions(2);
        Deployed event = Deployed.newBuilder()
                .setMeta(Events.newMeta("deployment-service", "corr-1", "cause-1"))
                .setDeploymentId("dep-1")
                .setModelName(model)
                .setModelVersion(2)
                .setVariantId(model + "-v2-cpu-int8")
                .setDevicesTargeted(10)
                .setDevicesActive(1)
                .setRolloutId("ro-1")
                .setWave(1)
                .setWavesTotal(3)
                .setPhase("wave")
                .build();
        Properties p = new Properties();
        p.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOYED, model, new byte[] {1, 2, 3}))
                    .get(); // poison
            producer.send(new ProducerRecord<>(Topics.DEPLOYED, model, event.toByteArray()))
                    .get();
            producer.send(new ProducerRecord<>(Topics.DEPLOYED, model, event.toByteArray()))
                    .get(); // redelivery
        }
        Awaitility.await("the Deployed event is recorded")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !history(model).isEmpty());
        // the redelivered duplicate (and the poison record) add nothing, for a while after the first entry
        Awaitility.await("no duplicate entry")
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> history(model).size() == 1);
        List<Map<String, Object>> entries = history(model);
        assertEquals(1, entries.size(), "entries: " + entries);
        Map<String, Object> e = entries.get(0);
        assertEquals("deployed", e.get("kind"));
        assertEquals(2, e.get("version"));
        assertEquals("dep-1", e.get("deploymentId"));
        assertEquals("ro-1", e.get("rolloutId"));
        assertEquals("wave", e.get("phase"));
        assertEquals(1, e.get("wave"));
        assertEquals(3, e.get("wavesTotal"));
        assertEquals("deployment-service", e.get("actor"));
        assertEquals(event.getMeta().getEventId(), e.get("eventId"));
    }

    @Test
    void versionTagsAreSetAtRegistrationAndOverRest() {
        String model = "tags-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = TestArtifacts.upload(channel, TestArtifacts.randomBytes(1000, 77))
                .getSha256();
        ModelVersion v = registry.registerVersion(RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .putTags("team", "vibration")
                .build());
        assertEquals(Map.of("team", "vibration"), v.getTagsMap());
        given().contentType(ContentType.JSON)
                .body(Map.of("value", "passed"))
                .put("/models/" + model + "/versions/1/tags/qa")
                .then()
                .statusCode(200)
                .body("tags.qa", equalTo("passed"))
                .body("tags.team", equalTo("vibration"));
        given().delete("/models/" + model + "/versions/1/tags/team")
                .then()
                .statusCode(200)
                .body("tags", equalTo(Map.of("qa", "passed")));
        given().delete("/models/" + model + "/versions/1/tags/team").then().statusCode(404);
        assertEquals(
                Map.of("qa", "passed"),
                registry.getVersion(GetVersionRequest.newBuilder()
                                .setModelName(model)
                                .setVersion(1)
                                .build())
                        .getTagsMap());
    }

    private static List<Map<String, Object>> history(String model) {
        return given().get("/models/" + model + "/history")
                .then()
                .extract()
                .jsonPath()
                .getList("$");
    }

    private String modelWithVersions(int n) {
        return TestArtifacts.modelWithVersions(channel, registry, "alias-", 2000, n);
    }

    private static String causeChain(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c.getMessage()).append(" | ");
        }
        return s.toString();
    }

    private static void assertCode(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }
}
