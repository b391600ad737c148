package io.edgeloop.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.TestArtifacts;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@QuarkusTest
class ModelRegistryGrpcTest {
    private static final AtomicLong SEED = new AtomicLong(1000);

    @GrpcClient("self")
    Channel artifacts;

    @GrpcClient("self")
    ModelRegistryGrpc.ModelRegistryBlockingStub registry;

    @Test
    void registeringWithoutTheArtifactFailsThePrecondition() {
        String missing = Hashing.sha256Hex(("missing " + UUID.randomUUID()).getBytes());
        String model = uniqueModel();

        assertCode(
                Status.Code.FAILED_PRECONDITION,
                () -> registry.registerVersion(request(model, missing).build()));

        // nothing was registered: the model does not exist
        assertCode(Status.Code.NOT_FOUND, () -> registry.getVersion(get(model, 0)));
    }

    @Test
    void invalidRequestsListEveryProblem() {
        var e = assertThrows(
                StatusRuntimeException.class,
                () -> registry.registerVersion(RegisterVersionRequest.newBuilder()
                        .setModelName("bad name")
                        .setArtifactSha256("xyz")
                        .setFeatureCount(-1)
                        .putMetrics("accuracy", Double.NaN)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String description = e.getStatus().getDescription();
        for (String field : List.of("model_name", "artifact_sha256", "feature_count", "metrics[accuracy]")) {
            assertTrue(description.contains(field), field + " missing in: " + description);
        }
        assertCode(Status.Code.INVALID_ARGUMENT, () -> registry.getVersion(get("m", -1)));
    }

    @Test
    void versionsIncrementPerModelWithLineage() {
        String model = uniqueModel();
        String sha = uploadRandom();

        ModelVersion v1 = registry.registerVersion(request(model, sha)
                .setLineage(Lineage.newBuilder()
                        .setDatasetName("vibration")
                        .setDatasetVersion(3)
                        .setSnapshotId("snap-3")
                        .setTrainingRunId("run-1")
                        .setCorrelationId("corr-1"))
                .build());
        ModelVersion v2 = registry.registerVersion(request(model, sha).build());
        ModelVersion other =
                registry.registerVersion(request(uniqueModel(), sha).build());

        assertEquals(1, v1.getVersion());
        assertEquals(2, v2.getVersion());
        assertEquals(1, other.getVersion());
        assertEquals(0, v1.getLineage().getParentVersion());
        assertEquals(1, v2.getLineage().getParentVersion(), "parent defaults to the previous version");
        assertEquals("snap-3", v1.getLineage().getSnapshotId());
        assertEquals(3, v1.getLineage().getDatasetVersion());
        assertEquals(List.of("normal", "imbalance", "bearing"), v1.getClassLabelsList());
        assertEquals(0.97, v1.getMetricsOrThrow("accuracy"));
        assertEquals(6, v1.getFeatureCount());
        assertEquals("mlp-32-16", v1.getArchitecture());

        assertEquals(v2, registry.getVersion(get(model, 0)), "version 0 is the latest");
        assertEquals(v1, registry.getVersion(get(model, 1)));
        assertCode(Status.Code.NOT_FOUND, () -> registry.getVersion(get(model, 3)));
        assertCode(
                Status.Code.FAILED_PRECONDITION,
                () -> registry.registerVersion(request(model, sha)
                        .setLineage(Lineage.newBuilder().setParentVersion(9))
                        .build()));
    }

    @Test
    void idempotencyKeyReturnsTheFirstVersion() {
        String model = uniqueModel();
        String sha = uploadRandom();
        ModelVersion first = registry.registerVersion(
                request(model, sha).setIdempotencyKey("event-1").build());
        ModelVersion retry = registry.registerVersion(
                request(model, sha).setIdempotencyKey("event-1").build());
        ModelVersion next = registry.registerVersion(
                request(model, sha).setIdempotencyKey("event-2").build());

        assertEquals(first, retry);
        assertEquals(2, next.getVersion());
    }

    @Test
    void concurrentRegistrationsGetDistinctVersions() throws Exception {
        String model = uniqueModel();
        String sha = uploadRandom();
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<ModelVersion>> futures = IntStream.range(0, n)
                    .mapToObj(i -> pool.submit(
                            () -> registry.registerVersion(request(model, sha).build())))
                    .toList();
            Set<Integer> versions = new java.util.TreeSet<>();
            for (Future<ModelVersion> f : futures) {
                versions.add(f.get().getVersion());
            }
            assertEquals(IntStream.rangeClosed(1, n).boxed().collect(Collectors.toSet()), versions);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(n, registry.getVersion(get(model, 0)).getVersion());
    }

    @Test
    void variantsAreIdempotentPerTarget() {
        String model = uniqueModel();
        String sha = uploadRandom();
        String int8Sha = uploadRandom();
        registry.registerVersion(request(model, sha).build());

        ModelVariant int8 = registry.addVariant(variant(model, 1, "cpu-int8", int8Sha));
        ModelVariant again = registry.addVariant(variant(model, 1, "cpu-int8", sha));
        ModelVariant fp32 = registry.addVariant(variant(model, 1, "cpu-fp32", sha));

        assertEquals(model + "-v1-cpu-int8", int8.getVariantId());
        assertEquals(int8, again, "same target returns the first variant");
        assertNotEquals(int8.getVariantId(), fp32.getVariantId());
        assertEquals(int8Sha, int8.getArtifactSha256());
        assertEquals("dynamic", int8.getSettingsOrThrow("quantization"));
        assertEquals(0.96, int8.getMetricsOrThrow("accuracy"));

        ModelVersion v1 = registry.getVersion(get(model, 1));
        assertEquals(List.of(fp32, int8), v1.getVariantsList(), "variants sorted by target");

        String missing = Hashing.sha256Hex(("missing " + UUID.randomUUID()).getBytes());
        assertCode(Status.Code.FAILED_PRECONDITION, () -> registry.addVariant(variant(model, 1, "gpu", missing)));
        assertCode(Status.Code.NOT_FOUND, () -> registry.addVariant(variant(model, 2, "gpu", sha)));
        assertCode(Status.Code.NOT_FOUND, () -> registry.addVariant(variant(uniqueModel(), 1, "gpu", sha)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> registry.addVariant(variant(model, 1, "bad target", sha)));
    }

    private String uploadRandom() {
        return TestArtifacts.upload(artifacts, TestArtifacts.randomBytes(10_000, SEED.incrementAndGet()))
                .getSha256();
    }

    static String uniqueModel() {
        return "model-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RegisterVersionRequest.Builder request(String model, String sha) {
        return RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha)
                .addAllClassLabels(List.of("normal", "imbalance", "bearing"))
                .putMetrics("accuracy", 0.97)
                .putMetrics("f1", 0.95)
                .setFeatureCount(6)
                .setArchitecture("mlp-32-16");
    }

    private static AddVariantRequest variant(String model, int version, String target, String sha) {
        return AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .setTarget(target)
                .setFormat("onnx")
                .setArtifactSha256(sha)
                .putMetrics("accuracy", 0.96)
                .putSettings("quantization", "dynamic")
                .build();
    }

    private static GetVersionRequest get(String model, int version) {
        return GetVersionRequest.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .build();
    }

    private static void assertCode(Status.Code expected, Executable call) {
        var e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().getDescription());
    }
}
