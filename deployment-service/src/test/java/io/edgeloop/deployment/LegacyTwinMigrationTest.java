package io.edgeloop.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deployment.persistence.DeploymentEntity;
import io.edgeloop.deployment.persistence.DeploymentStatus;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.LegacyTwinMigration;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A database from the single-model era: its device twin columns become a device_model slot. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class LegacyTwinMigrationTest {
    @Inject
    EntityManager em;

    @Inject
    LegacyTwinMigration migration;

    @Test
    void theSingleModelTwinMovesIntoASlot() {
        String run = "lg" + UUID.randomUUID().toString().substring(0, 8);
        String deviceId = run + "-1";
        String deploymentId = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            for (String col : new String[] {
                "desired_deployment_id varchar(255)",
                "last_good_deployment_id varchar(255)",
                "reported_deployment_id varchar(255)",
                "reported_state varchar(255)",
                "reported_variant_id varchar(255)"
            }) {
                em.createNativeQuery("alter table device add column if not exists " + col)
                        .executeUpdate();
            }
            DeploymentEntity d = new DeploymentEntity();
            d.id = deploymentId;
            d.modelName = run + "-model";
            d.modelVersion = 2;
            d.variantId = "v";
            d.artifactSha256 = "a".repeat(64);
            d.sizeBytes = 1;
            d.format = "onnx";
            d.status = DeploymentStatus.COMPLETED;
            d.causeEventId = UUID.randomUUID().toString();
            d.createdAt = Instant.now();
            // a completed rollout selecting every device would be joined by each device the later suites register
            d.selector.put("suite", run);
            d.persist();
            DeviceEntity dev = new DeviceEntity();
            dev.id = deviceId;
            dev.registeredAt = Instant.now();
            dev.lastSeenAt = Instant.now();
            dev.desiredRevision = 7L;
            dev.persist();
            em.flush();
            em.createNativeQuery("update device set desired_deployment_id = ?1, last_good_deployment_id = ?1,"
                            + " reported_deployment_id = ?1, reported_state = 'ACTIVE', reported_model_version = 2"
                            + " where id = ?2")
                    .setParameter(1, deploymentId)
                    .setParameter(2, deviceId)
                    .executeUpdate();
        });
        assertTrue(migration.migrate() >= 1);
        assertEquals(0, migration.migrate(), "once per device");
        given().get("/devices/" + deviceId)
                .then()
                .statusCode(200)
                .body("models[0].modelName", equalTo(run + "-model"))
                .body("models[0].desired.deploymentId", equalTo(deploymentId))
                .body("models[0].reported.state", equalTo("ACTIVE"))
                .body("models[0].reported.modelVersion", equalTo(2))
                .body("models[0].lastGoodDeploymentId", equalTo(deploymentId))
                .body("models[0].revision", equalTo(7))
                .body("models[0].inSync", equalTo(true));
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery(
                                "update device set desired_deployment_id = null, reported_deployment_id = null where id = ?1")
                        .setParameter(1, deviceId)
                        .executeUpdate());
    }
}
