package io.edgeloop.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fresh stack (its own profile: the schema is created anew): an empty fleet reads as {@code []}, and devices that
 * registered before any deployment existed read fine. The latter was the cause of the former 500: with no desired
 * deployment at all, the device listing looked {@code null} up in an immutable {@code Map.of()} (NullPointerException).
 */
@QuarkusTest
@TestProfile(EmptyFleetTest.Fresh.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class EmptyFleetTest {
    /** A profile of its own, so Quarkus starts anew on an empty schema. */
    public static class Fresh implements QuarkusTestProfile {}

    @Test
    void anEmptyFleetIs200AndAnEmptyList() {
        given().get("/devices")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("$", equalTo(List.of()));
        given().get("/rollouts").then().statusCode(200).body("$", equalTo(List.of()));
        given().get("/deployments").then().statusCode(200).body("$", equalTo(List.of()));
    }
}
