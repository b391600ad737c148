package io.edgeloop.kit.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.jobs.JobRecord;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class OpsResourceTest {
    @Inject
    Jobs jobs;

    private static String admin() {
        return TestAuth.bearer("ops-admin", Roles.ADMIN);
    }

    @Test
    void anAdministratorListsAndRetriesAParkedJob() {
        String key = "ops-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew()
                .run(() -> jobs.enqueue("kit-test", key, "never".getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jobs.find("kit-test", key).orElseThrow().status == JobRecord.Status.PARKED);
        long id = jobs.find("kit-test", key).orElseThrow().id;

        given().header("Authorization", admin())
                .queryParam("status", "parked")
                .get("/ops/jobs")
                .then()
                .statusCode(200)
                .body("key", hasItem(key));
        given().header("Authorization", admin())
                .get("/ops/jobs/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("PARKED"))
                .body("attempts", equalTo(3))
                .body("lastError", containsString("peer unavailable"));
        given().header("Authorization", admin())
                .post("/ops/jobs/" + id + "/retry")
                .then()
                .statusCode(200)
                // fresh attempts: a worker may already have claimed it again (50 ms poll), not spent three
                .body("attempts", lessThan(3));
    }

    @Test
    void onlyAdministratorsMayCallAndBadInputIsAProblemNamingTheField() {
        given().header("Authorization", TestAuth.ANONYMOUS)
                .get("/ops/jobs")
                .then()
                .statusCode(401);
        given().header("Authorization", TestAuth.bearer("someone", Roles.ML))
                .get("/ops/jobs")
                .then()
                .statusCode(403);
        given().header("Authorization", admin())
                .queryParam("status", "SLEEPING")
                .get("/ops/jobs")
                .then()
                .statusCode(400)
                .contentType(containsString("problem+json"))
                .body("errors[0].field", equalTo("status"));
        given().header("Authorization", admin())
                .queryParam("limit", 0)
                .get("/ops/outbox/parked")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        given().header("Authorization", admin())
                .get("/ops/jobs/999999999")
                .then()
                .statusCode(404);
        given().header("Authorization", admin())
                .post("/ops/outbox/999999999/replay")
                .then()
                .statusCode(404);
    }
}
