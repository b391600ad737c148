package io.edgeloop.registry.domain;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.ArtifactServiceGrpc;
import io.edgeloop.proto.registry.v1.GetArtifactRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.registry.persistence.ArtifactSignatureEntity;
import io.edgeloop.registry.storage.FileSystemArtifactStore;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Orphan garbage collection against the real store and PostgreSQL. The application shares its store with the other
 * tests, so each test ages only its own blobs: by {@value #AGE_DAYS} days for sweeps with a min-age of
 * {@value #MIN_AGE_DAYS} days (the periodic sweep of the test profile, min-age 30 days, leaves them alone), by 60
 * days for the periodic sweep.
 */
@QuarkusTest
class OrphanGcTest {
    private static final int AGE_DAYS = 15;
    private static final int MIN_AGE_DAYS = 10;
    private static final Duration MIN_AGE = Duration.ofDays(MIN_AGE_DAYS);
    private static final String PROBLEM = "application/problem+json";

    @GrpcClient("self")
    Channel channel;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Inject
    FileSystemArtifactStore store;

    @Inject
    OrphanSweeper sweeper;

    @Inject
    OrphanCollector collector;

    @Test
    void deletesOldUploadsThatNothingReferencesAndKeepsTheRest() throws IOException {
        String model = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
        int seed = model.hashCode();
        String orphan = upload(4000, seed);
        String ofVersion = upload(4001, seed + 1);
        String ofVariantOnly = upload(4002, seed + 2);
        String young = upload(4003, seed + 3);
        register(model, ofVersion);
        registry.addVariant(AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(1)
                .setTarget("cpu-int8")
                .setFormat("onnx")
                .setArtifactSha256(ofVariantOnly)
                .build());
        age(orphan, AGE_DAYS);
        age(ofVersion, AGE_DAYS);
        age(ofVariantOnly, AGE_DAYS);
        assertNull(signature(orphan), "never registered, so never signed");
        assertNotNull(signature(ofVersion), "registration signs");
        assertNotNull(signature(ofVariantOnly), "adding a variant signs");

        JsonPath sweep = given().post("/artifacts/gc?minAge=P" + MIN_AGE_DAYS + "D")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .jsonPath();

        List<String> deleted = sweep.getList("deleted.sha256", String.class);
        assertTrue(deleted.contains(orphan), deleted.toString());
        assertFalse(deleted.contains(ofVersion), "a version references it");
        assertFalse(deleted.contains(ofVariantOnly), "a variant references it");
        assertFalse(deleted.contains(young), "uploaded less than min-age ago");
        assertEquals(4000, sweep.getLong("deleted.find { it.sha256 == '" + orphan + "' }.sizeBytes"));
        assertEquals(
                sweep.getList("deleted.sizeBytes", Long.class).stream()
                        .mapToLong(Long::longValue)
                        .sum(),
                sweep.getLong("freedBytes"));
        assertTrue(sweep.getLong("kept") >= 3, "kept: " + sweep.getLong("kept"));

        assertFalse(store.exists(orphan));
        assertNull(signature(orphan));
        given().get("/artifacts/" + orphan).then().statusCode(404);
        var notFound = assertThrows(
                StatusRuntimeException.class,
                () -> ArtifactServiceGrpc.newBlockingStub(channel)
                        .getArtifact(GetArtifactRequest.newBuilder()
                                .setSha256(orphan)
                                .build()));
        assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode());
        assertTrue(store.exists(ofVersion) && store.exists(ofVariantOnly) && store.exists(young));

        // registering the collected blob: FAILED_PRECONDITION, upload again; then it works
        var gone = assertThrows(StatusRuntimeException.class, () -> register(model, orphan));
        assertEquals(Status.Code.FAILED_PRECONDITION, gone.getStatus().getCode());
        assertTrue(gone.getStatus().getDescription().contains("upload it (again)"), gone.getMessage());
        assertEquals(orphan, upload(4000, seed));
        assertEquals(2, register(model, orphan));

        // the young orphan goes once it is old enough; the direct call answers the same as the endpoint
        age(young, AGE_DAYS);
        OrphanSweep later = sweeper.collectOrphans(MIN_AGE);
        assertTrue(later.deleted().contains(new OrphanSweep.Deleted(young, 4003)), later.toString());
        assertFalse(later.deleted().stream().anyMatch(d -> d.sha256().equals(orphan)), "registered now");
        assertFalse(store.exists(young));
    }

    @Test
    void uploadingAgainKeepsAnOldBlobForTheRegistrationThatFollows() throws IOException {
        String model = "reupload-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = upload(5000, model.hashCode());
        age(sha, AGE_DAYS);

        assertEquals(sha, upload(5000, model.hashCode())); // verified no-op: refreshes the last upload time

        OrphanSweep sweep = sweeper.collectOrphans(MIN_AGE);
        assertFalse(sweep.deleted().stream().anyMatch(d -> d.sha256().equals(sha)), sweep.toString());
        assertTrue(store.exists(sha));
        assertEquals(1, register(model, sha));
    }

    @Test
    void rejectsAMalformedOrNegativeMinAge() {
        for (String bad : List.of("abc", "1h", "PT", "-PT1H", "-P1D")) {
            given().queryParam("minAge", bad)
                    .post("/artifacts/gc")
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM)
                    .body("status", equalTo(400))
                    .body("detail", containsString("minAge"));
        }
    }

    @Test
    void thePeriodicSweepDeletesOrphans() throws IOException {
        // the test profile sweeps every second with a min-age of 30 days
        String sha = upload(3000, UUID.randomUUID().hashCode());
        long sweepsBefore = collector.sweeps();
        age(sha, 60);

        Awaitility.await("the periodic sweep deletes the orphan")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !store.exists(sha));
        // the sweep that deleted it counts itself when it has gone through every blob, a moment later
        Awaitility.await("the sweep is counted")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> collector.sweeps() > sweepsBefore);
        assertEquals(0, collector.failures());
        assertNull(signature(sha));
    }

    private String upload(int size, long seed) {
        return TestArtifacts.upload(channel, TestArtifacts.randomBytes(size, seed))
                .getSha256();
    }

    private int register(String model, String sha) {
        return registry.registerVersion(RegisterVersionRequest.newBuilder()
                        .setModelName(model)
                        .setArtifactSha256(sha)
                        .build())
                .getVersion();
    }

    /** Sets the blob's last upload time {@code days} days back. */
    private void age(String sha, int days) throws IOException {
        Files.setLastModifiedTime(
                store.root().resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha),
                FileTime.from(Instant.now().minus(Duration.ofDays(days))));
    }

    private static ArtifactSignatureEntity signature(String sha) {
        return QuarkusTransaction.requiringNew().call(() -> ArtifactSignatureEntity.findById(sha));
    }
}
