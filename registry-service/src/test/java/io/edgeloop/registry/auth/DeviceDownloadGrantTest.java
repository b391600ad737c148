package io.edgeloop.registry.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.GrantKey;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A device downloads only what it was assigned: the gRPC download needs the grant that came with the assignment,
 * signed by the device issuer (or with the grant key the registry shares with the deployment service), for that device
 * and that artifact; the device issuer's key gives nothing else.
 */
@QuarkusTest
class DeviceDownloadGrantTest {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @GrpcClient("self")
    Channel channel;

    /** Grants as a deployment service without a grant key signs them: RS256 with the device issuer key. */
    private final DeviceTokens issuer = new DeviceTokens(TestAuth.deviceIssuer(), Clock.systemUTC());
    /** Grants as the launcher's deployment service signs them: HS256 with the grant key this registry also holds. */
    private final DeviceTokens hmacIssuer =
            new DeviceTokens(TestAuth.deviceIssuer(), TestAuth.grantKey(), Clock.systemUTC());

    private String mine;
    private String other;

    @BeforeEach
    void uploadTwoArtifacts() {
        mine = TestArtifacts.upload(channel, TestArtifacts.randomBytes(70_000, 31))
                .getSha256();
        other = TestArtifacts.upload(channel, TestArtifacts.randomBytes(1_000, 32))
                .getSha256();
    }

    @Test
    void aDeviceDownloadsWithTheGrantOfItsAssignment() {
        String grant = issuer.downloadGrant("edge-a", mine, Duration.ofMinutes(5));
        List<DownloadChunk> chunks = download(TestAuth.deviceBearer("edge-a"), mine, grant);
        assertEquals(2, chunks.size());
        assertEquals(mine, chunks.get(0).getSha256());
    }

    @Test
    void withoutAMatchingGrantADeviceIsRefused() {
        String device = TestAuth.deviceBearer("edge-a");
        assertRefused(device, mine, "", "download_grant is required");
        assertRefused(device, other, issuer.downloadGrant("edge-a", mine, Duration.ofMinutes(5)), "another artifact");
        assertRefused(device, mine, issuer.downloadGrant("edge-b", mine, Duration.ofMinutes(5)), "another device");
        DeviceTokens past =
                new DeviceTokens(TestAuth.deviceIssuer(), Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
        assertRefused(device, mine, past.downloadGrant("edge-a", mine, Duration.ofHours(1)), "not a valid grant");
        // the stack's own key is not the device issuer: a grant-shaped token it signs grants nothing
        String stackSigned = TestAuth.token("edge-a", Roles.DEVICE).value();
        assertRefused(device, mine, stackSigned, "not a valid grant");
        assertRefused(device, mine, "not-a-jwt", "not a valid grant");
    }

    @Test
    void grantsSignedWithTheGrantKeyAreCheckedTheSameWay() {
        String grant = hmacIssuer.downloadGrant("edge-a", mine, Duration.ofMinutes(5));
        assertTrue(GrantKey.isGrantSigned(grant));
        String device = TestAuth.deviceBearer("edge-a");
        assertEquals(2, download(device, mine, grant).size());
        assertRefused(device, other, grant, "another artifact");
        assertRefused(device, mine, hmacIssuer.downloadGrant("edge-b", mine, Duration.ofMinutes(5)), "another device");
        DeviceTokens past = new DeviceTokens(
                TestAuth.deviceIssuer(), TestAuth.grantKey(), Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
        assertRefused(device, mine, past.downloadGrant("edge-a", mine, Duration.ofHours(1)), "not a valid grant");
        // a grant key the registry does not hold grants nothing
        GrantKey foreign = GrantKey.loadOrCreate(TestAuth.keys().dir().resolve("foreign-grant-key"));
        String forged = new DeviceTokens(TestAuth.deviceIssuer(), foreign, Clock.systemUTC())
                .downloadGrant("edge-a", mine, Duration.ofMinutes(5));
        assertRefused(device, mine, forged, "not a valid grant");
        // and a grant is still no bearer token
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> download("Bearer " + grant, mine, grant));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }

    @Test
    void operatorsDownloadWithoutAGrant() {
        List<DownloadChunk> chunks = download(TestAuth.bearer("viewer-1", Roles.VIEWER), other, "");
        assertEquals(
                Hashing.sha256Hex(TestArtifacts.randomBytes(1_000, 32)),
                chunks.get(0).getSha256());
    }

    @Test
    void aGrantIsNotABearerToken() {
        String grant = issuer.downloadGrant("edge-a", mine, Duration.ofMinutes(5));
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> download("Bearer " + grant, mine, grant));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }

    @Test
    void theDeviceIssuerKeyCannotMintAnythingButDevices() {
        String forgedAdmin = TestAuth.deviceIssuer()
                .minter()
                .subject("mallory")
                .roles(Roles.ADMIN)
                .mint()
                .bearer();
        given().header("Authorization", forgedAdmin)
                .contentType("application/json")
                .post("/artifacts/gc")
                .then()
                .statusCode(401);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> download(forgedAdmin, other, ""));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        // while a stack-signed admin may
        given().header("Authorization", "Bearer " + TestAuth.adminToken())
                .contentType("application/json")
                .post("/artifacts/gc")
                .then()
                .statusCode(200);
    }

    private void assertRefused(String bearer, String sha256, String grant, String why) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> download(bearer, sha256, grant));
        assertEquals(
                Status.Code.PERMISSION_DENIED,
                e.getStatus().getCode(),
                e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(why), e.getStatus().getDescription());
    }

    private List<DownloadChunk> download(String bearer, String sha256, String grant) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, bearer);
        var stub = ArtifactServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        List<DownloadChunk> out = new ArrayList<>();
        stub.download(DownloadRequest.newBuilder()
                        .setSha256(sha256)
                        .setDownloadGrant(grant)
                        .build())
                .forEachRemaining(out::add);
        return out;
    }
}
