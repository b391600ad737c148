package io.edgeloop.deployment.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.Jwks;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.deployment.TestClock;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.kit.auth.AuthConfig;
import io.edgeloop.proto.deployment.v1.DeviceCredential;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.EnrollRequest;
import io.edgeloop.proto.deployment.v1.RegisterDeviceRequest;
import io.edgeloop.proto.deployment.v1.RenewCredentialRequest;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Enrollment: an administrator issues a one-time token, a device trades it (anonymously, once) for its own credential,
 * acts with it only as itself, renews it, and loses every credential when it is revoked.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class EnrollmentTest {
    @GrpcClient("devices")
    Channel channel;

    @Inject
    AuthConfig auth;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String x = "enr-x-" + run;
    private final String y = "enr-y-" + run;

    @Test
    void aDeviceTradesAOneTimeTokenForItsOwnCredential() {
        Issued t = issue(Map.of("deviceId", x));
        // listed without its secret
        String listing =
                given().get("/enrollments").then().statusCode(200).extract().asString();
        assertTrue(listing.contains(t.id()), listing);
        assertFalse(listing.contains(t.secret()), "the listing shows no secret");

        DeviceCredential c = anonymous().enroll(enroll(t.secret(), x));
        assertEquals(x, c.getDeviceId());
        assertTrue(DeviceTokens.isDeviceIssued(c.getToken()), "signed by the device issuer");
        assertTrue(c.getExpiresAt().getSeconds() > Instant.now().getEpochSecond());
        given().get("/enrollments").then().body("find { it.id == '" + t.id() + "' }.status", equalTo("used"));

        // with it, the device acts as itself and as nothing else
        var asX = as("Bearer " + c.getToken());
        assertEquals(x, asX.register(register(x)).getDeviceId());
        expect(Status.Code.PERMISSION_DENIED, () -> asX.register(register(y)));
        given().header("Authorization", "Bearer " + c.getToken())
                .get("/devices")
                .then()
                .statusCode(403);

        // a retry by the same device within the window (its answer was lost): a new credential, the first revoked
        DeviceCredential again = anonymous().enroll(enroll(t.secret(), x));
        assertNotEquals(c.getToken(), again.getToken());
        expect(Status.Code.UNAUTHENTICATED, () -> asX.register(register(x)));
        assertEquals(x, as("Bearer " + again.getToken()).register(register(x)).getDeviceId());
        // after the window: once only
        TestClock.CLOCK.advance(Duration.ofMinutes(5).plusSeconds(1));
        expect(Status.Code.UNAUTHENTICATED, () -> anonymous().enroll(enroll(t.secret(), x)));
        // a token naming no device, used by y, is no good for another device, even within the window
        Issued open = issue(Map.of());
        anonymous().enroll(enroll(open.secret(), y));
        expect(Status.Code.UNAUTHENTICATED, () -> anonymous().enroll(enroll(open.secret(), x)));
    }

    @Test
    void badTokensAreRefusedAlike() throws Exception {
        Issued forX = issue(Map.of("deviceId", x));
        // a token for x does not enroll y, and stays good for x
        StatusRuntimeException other =
                expect(Status.Code.PERMISSION_DENIED, () -> anonymous().enroll(enroll(forX.secret(), y)));
        assertTrue(other.getStatus().getDescription().contains("another device"), other.getMessage());
        anonymous().enroll(enroll(forX.secret(), x));

        Issued expired = issue(Map.of("ttl", "PT1S"));
        TestClock.CLOCK.advance(Duration.ofSeconds(2)); // its second is over by the service's clock
        Issued cancelled = issue(Map.of());
        given().delete("/enrollments/" + cancelled.id()).then().statusCode(204);
        String unknown = "enr_" + "A".repeat(43);
        String why = null;
        for (String secret : new String[] {expired.secret(), cancelled.secret(), unknown, "no-prefix"}) {
            StatusRuntimeException e =
                    expect(Status.Code.UNAUTHENTICATED, () -> anonymous().enroll(enroll(secret, y)));
            why = why == null ? e.getStatus().getDescription() : why;
            assertEquals(why, e.getStatus().getDescription(), "one answer for every bad token");
        }
        expect(Status.Code.INVALID_ARGUMENT, () -> anonymous().enroll(enroll("", y)));
        expect(Status.Code.INVALID_ARGUMENT, () -> anonymous().enroll(enroll(unknown, "")));
        given().contentType("application/json")
                .body(Map.of("ttl", "forever"))
                .post("/enrollments")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("ttl"));
        given().delete("/enrollments/no-such-id").then().statusCode(404);
    }

    @Test
    void aDeviceRenewsOnlyItsOwnCredential() {
        DeviceCredential c =
                anonymous().enroll(enroll(issue(Map.of("deviceId", x)).secret(), x));
        var asX = as("Bearer " + c.getToken());
        DeviceCredential renewed = asX.renewCredential(renew(x));
        assertNotEquals(c.getToken(), renewed.getToken());
        assertEquals(x, renewed.getDeviceId());
        expect(Status.Code.PERMISSION_DENIED, () -> asX.renewCredential(renew(y)));
        // operators cannot obtain a device's credential
        expect(
                Status.Code.PERMISSION_DENIED,
                () -> as(TestAuth.bearer("rita", Roles.RELEASE)).renewCredential(renew(x)));
        expect(Status.Code.UNAUTHENTICATED, () -> anonymous().renewCredential(renew(x)));
    }

    @Test
    void revokingADeviceRevokesEveryCredentialItWasIssued() throws Exception {
        DeviceCredential first =
                anonymous().enroll(enroll(issue(Map.of("deviceId", x)).secret(), x));
        var asX = as("Bearer " + first.getToken());
        asX.register(register(x));
        DeviceCredential second = asX.renewCredential(renew(x));
        Issued unused = issue(Map.of("deviceId", x));
        // a device token an operator minted for x (signed with the stack key, never seen by the fleet)
        String minted = TestAuth.bearer(x, Roles.DEVICE);
        as(minted).register(register(x));

        given().delete("/devices/" + x).then().statusCode(204);
        // every device credential of x is refused, whoever issued it
        expect(Status.Code.UNAUTHENTICATED, () -> as(minted).register(register(x)));
        // an unknown id writes nothing to the revocation list
        given().delete("/devices/never-seen-" + run).then().statusCode(404);
        assertFalse(Files.readString(auth.revocationFile().orElseThrow()).contains("never-seen-" + run));

        Path revoked = auth.revocationFile().orElseThrow();
        String list = Files.readString(revoked);
        for (DeviceCredential c : new DeviceCredential[] {first, second}) {
            String jti = jti(c.getToken());
            assertTrue(list.contains(jti), "revoked: " + jti);
            expect(
                    Status.Code.UNAUTHENTICATED,
                    () -> as("Bearer " + c.getToken()).register(register(x)));
        }
        // it cannot come back: its unused token was cancelled, and no new one is issued for it
        expect(Status.Code.UNAUTHENTICATED, () -> anonymous().enroll(enroll(unused.secret(), x)));
        given().contentType("application/json")
                .body(Map.of("deviceId", x))
                .post("/enrollments")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("deviceId"));
        expect(
                Status.Code.PERMISSION_DENIED,
                () -> anonymous().enroll(enroll(issue(Map.of()).secret(), x)));
    }

    @Test
    void theDeviceIssuerKeyMintsNoOperators() {
        String forged = TestAuth.deviceIssuer()
                .minter()
                .subject("mallory")
                .roles(Roles.ADMIN)
                .mint()
                .bearer();
        given().header("Authorization", forged).get("/enrollments").then().statusCode(401);
        assertTrue(Jwks.keyIdOf(forged.substring(7)).startsWith("device-issuer-"));
    }

    private record Issued(String id, String secret) {}

    private static Issued issue(Map<String, String> body) {
        Response r = given().contentType("application/json")
                .body(body)
                .post("/enrollments")
                .then()
                .statusCode(201)
                .extract()
                .response();
        return new Issued(r.path("id"), r.path("token"));
    }

    private static String jti(String jwt) throws Exception {
        return org.jose4j.jwt.JwtClaims.parse(new String(
                        java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                        java.nio.charset.StandardCharsets.UTF_8))
                .getJwtId();
    }

    private DeviceServiceGrpc.DeviceServiceBlockingStub anonymous() {
        return as(TestAuth.ANONYMOUS);
    }

    private DeviceServiceGrpc.DeviceServiceBlockingStub as(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return DeviceServiceGrpc.newBlockingStub(
                        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static EnrollRequest enroll(String secret, String device) {
        return EnrollRequest.newBuilder()
                .setEnrollmentToken(secret)
                .setDeviceId(device)
                .build();
    }

    private static RenewCredentialRequest renew(String device) {
        return RenewCredentialRequest.newBuilder().setDeviceId(device).build();
    }

    private static RegisterDeviceRequest register(String id) {
        return RegisterDeviceRequest.newBuilder().setDeviceId(id).build();
    }

    private static StatusRuntimeException expect(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getMessage());
        return e;
    }
}
