package io.edgeloop.registry.signing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.proto.registry.v1.ArtifactRef;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.DownloadChunk;
import io.edgeloop.proto.registry.v1.DownloadRequest;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.GetSigningKeysRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.SigningKey;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SignatureTest {
    @GrpcClient("self")
    Channel channel;

    @Test
    void onlyRegisteredContentIsSignedAndTheSignatureVerifiesWithThePublishedKey() throws Exception {
        byte[] data = TestArtifacts.randomBytes(200_000, 4242);
        String sha = Hashing.sha256Hex(data);
        var stub = ArtifactServiceGrpc.newBlockingStub(channel);

        // uploaded, not registered: no signature anywhere
        ArtifactRef unsigned = TestArtifacts.upload(channel, data);
        assertTrue(
                unsigned.getSignature().isEmpty() && unsigned.getSigningKeyId().isEmpty());
        assertTrue(
                stub.getArtifact(GetArtifactRequest.newBuilder().setSha256(sha).build())
                        .getSignature()
                        .isEmpty());
        List<DownloadChunk> unsignedChunks = new ArrayList<>();
        stub.download(DownloadRequest.newBuilder().setSha256(sha).build()).forEachRemaining(unsignedChunks::add);
        assertTrue(unsignedChunks.stream().allMatch(c -> c.getSignature().isEmpty()));
        Response restUnsigned = given().get("/artifacts/" + sha);
        assertEquals(200, restUnsigned.statusCode());
        assertNull(restUnsigned.header("X-Edgeloop-Signature"));
        assertNull(restUnsigned.header("X-Edgeloop-Signing-Key"));

        // registering it (an ml identity) signs it; uploading it again now answers the signature
        String model = "signed-" + UUID.randomUUID().toString().substring(0, 8);
        TestArtifacts.as(ModelRegistryGrpc.newBlockingStub(channel), TestAuth.bearer("carol", Roles.ML))
                .registerVersion(RegisterVersionRequest.newBuilder()
                        .setModelName(model)
                        .setArtifactSha256(sha)
                        .build());
        ArtifactRef uploaded = TestArtifacts.upload(channel, data);
        assertFalse(uploaded.getSignature().isEmpty());

        List<SigningKey> keys =
                stub.getSigningKeys(GetSigningKeysRequest.getDefaultInstance()).getKeysList();
        SigningKey key = keys.stream()
                .filter(k -> k.getKeyId().equals(uploaded.getSigningKeyId()))
                .findFirst()
                .orElseThrow();
        assertEquals("Ed25519", key.getAlgorithm());
        PublicKey publicKey = Ed25519.publicKey(key.getPublicKey().toByteArray());
        byte[] digest = HexFormat.of().parseHex(sha);
        assertTrue(Ed25519.verify(publicKey, digest, Base64.getDecoder().decode(uploaded.getSignature())));

        // GetArtifact serves the same signature
        ArtifactRef described =
                stub.getArtifact(GetArtifactRequest.newBuilder().setSha256(sha).build());
        assertEquals(uploaded.getSignature(), described.getSignature());
        assertEquals(data.length, described.getSizeBytes());

        // the first download chunk carries it, the others do not
        List<DownloadChunk> chunks = new ArrayList<>();
        stub.download(DownloadRequest.newBuilder().setSha256(sha).build()).forEachRemaining(chunks::add);
        assertTrue(chunks.size() > 1);
        assertEquals(uploaded.getSignature(), chunks.get(0).getSignature());
        assertEquals(uploaded.getSigningKeyId(), chunks.get(0).getSigningKeyId());
        assertTrue(chunks.subList(1, chunks.size()).stream()
                .allMatch(c -> c.getSignature().isEmpty()));

        // a tampered copy: its digest differs, so the registry's signature does not verify it
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (DownloadChunk c : chunks) {
            c.getData().writeTo(received);
        }
        byte[] tampered = received.toByteArray();
        tampered[tampered.length / 2] ^= 0x01;
        byte[] tamperedDigest = HexFormat.of().parseHex(Hashing.sha256Hex(tampered));
        assertFalse(Ed25519.verify(
                publicKey,
                tamperedDigest,
                Base64.getDecoder().decode(chunks.get(0).getSignature())));

        // REST: headers on /artifacts (operators; devices download over gRPC with a grant) and, for devices too, the
        // key under /signing-keys
        String device = TestAuth.bearer("device-1", Roles.DEVICE);
        given().header("Authorization", device).get("/artifacts/" + sha).then().statusCode(403);
        Response rest = given().header("Authorization", TestAuth.bearer("viewer-1", Roles.VIEWER))
                .get("/artifacts/" + sha);
        assertEquals(200, rest.statusCode());
        assertEquals(uploaded.getSignature(), rest.header("X-Edgeloop-Signature"));
        assertEquals(uploaded.getSigningKeyId(), rest.header("X-Edgeloop-Signing-Key"));
        String restKey = given().header("Authorization", device)
                .get("/signing-keys")
                .then()
                .statusCode(200)
                .extract()
                .path("find { it.keyId == '" + key.getKeyId() + "' }.publicKey");
        assertEquals(Base64.getEncoder().encodeToString(key.getPublicKey().toByteArray()), restKey);
    }

    @Test
    void getArtifactOfAnUnknownDigestIsNotFound() {
        var stub = ArtifactServiceGrpc.newBlockingStub(channel);
        String missing = Hashing.sha256Hex("never uploaded".getBytes());
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> stub.getArtifact(
                        GetArtifactRequest.newBuilder().setSha256(missing).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        var bad = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> stub.getArtifact(
                        GetArtifactRequest.newBuilder().setSha256("abc").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    }
}
