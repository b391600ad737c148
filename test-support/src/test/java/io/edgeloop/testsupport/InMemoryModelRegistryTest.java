package io.edgeloop.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.SetAliasRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The registry double's bookkeeping, over a real gRPC transport on the loopback interface. */
class InMemoryModelRegistryTest {
    final InMemoryArtifactService artifacts = new InMemoryArtifactService();
    final InMemoryModelRegistry registry = new InMemoryModelRegistry(artifacts);
    final LoopbackGrpc grpc = new LoopbackGrpc(artifacts, registry);
    final ModelRegistryGrpc.ModelRegistryBlockingStub stub =
            ModelRegistryGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    final String sha = artifacts.put("model".getBytes(), "application/onnx");

    @AfterEach
    void close() throws InterruptedException {
        grpc.close();
    }

    static RegisterVersionRequest request(String model, String sha256, String key) {
        return RegisterVersionRequest.newBuilder()
                .setModelName(model)
                .setArtifactSha256(sha256)
                .setIdempotencyKey(key)
                .setFeatureCount(8)
                .setLineage(Lineage.newBuilder().setDatasetName(model).setDatasetVersion(1))
                .build();
    }

    static AddVariantRequest variant(String model, int version, String target, String sha256) {
        return AddVariantRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .setTarget(target)
                .setFormat("onnx")
                .setArtifactSha256(sha256)
                .build();
    }

    static Status.Code code(Executable call) {
        return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
    }

    @Test
    void aliasesPointAtVersionsAndUnknownOnesAreNotFound() {
        stub.registerVersion(request("m", sha, "a"));
        stub.registerVersion(request("m", sha, "b"));
        GetVersionRequest production = GetVersionRequest.newBuilder()
                .setModelName("m")
                .setAlias("production")
                .build();
        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.getVersion(production)));

        ModelVersion moved = stub.setAlias(SetAliasRequest.newBuilder()
                .setModelName("m")
                .setAlias("production")
                .setVersion(1)
                .build());
        assertEquals(1, moved.getVersion());
        assertEquals(List.of("production"), stub.getVersion(production).getAliasesList());
        assertEquals(1, stub.getVersion(production).getVersion());
        registry.setAlias("m", "production", 2);
        assertEquals(2, stub.getVersion(production).getVersion());
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> stub.setAlias(SetAliasRequest.newBuilder()
                        .setModelName("m")
                        .setAlias("production")
                        .setVersion(9)
                        .build())));
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> stub.setAlias(SetAliasRequest.newBuilder()
                        .setModelName("m")
                        .setAlias("")
                        .setVersion(1)
                        .build())));
    }

    @Test
    void versionsAreNumberedPerModelAndIdempotentPerKey() {
        ModelVersion v1 = stub.registerVersion(request("m", sha, "run-1"));
        assertEquals(1, v1.getVersion());
        assertEquals(5, v1.getSizeBytes());
        assertEquals(0, v1.getLineage().getParentVersion(), "the first version has no parent");
        assertEquals(v1, stub.registerVersion(request("m", sha, "run-1")), "a retry returns the version made first");
        ModelVersion v2 = stub.registerVersion(request("m", sha, "run-2"));
        assertEquals(2, v2.getVersion());
        assertEquals(1, v2.getLineage().getParentVersion(), "the parent defaults to the latest version");
        assertEquals(1, stub.registerVersion(request("other", sha, "run-1")).getVersion(), "keys are per model");

        assertEquals(2, registry.versionCount("m"));
        assertEquals(v2, registry.latest("m").orElseThrow());
        assertEquals(
                v2,
                stub.getVersion(GetVersionRequest.newBuilder().setModelName("m").build()));
        assertEquals(
                v1,
                stub.getVersion(GetVersionRequest.newBuilder()
                        .setModelName("m")
                        .setVersion(1)
                        .build()));
        assertEquals(4, registry.registerCalls().size());
    }

    @Test
    void registeringNeedsAnUploadedArtifactAndValidInput() {
        String missing = Hashing.sha256Hex(new byte[] {1});
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> stub.registerVersion(request("m", missing, "k"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.registerVersion(request("bad name", sha, "k"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.registerVersion(request("m", "abc", "k"))));
        RegisterVersionRequest futureParent = request("m", sha, "k").toBuilder()
                .setLineage(Lineage.newBuilder().setParentVersion(3))
                .build();
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> stub.registerVersion(futureParent)));
        assertEquals(0, registry.versionCount("m"));
        assertEquals(4, registry.registerCalls().size(), "rejected calls are recorded too");
    }

    @Test
    void variantsAreIdempotentPerTargetAndListedWithTheirVersion() {
        stub.registerVersion(request("m", sha, "run-1"));
        String int8 = artifacts.put("int8".getBytes(), "application/onnx");
        ModelVariant first = stub.addVariant(variant("m", 1, "cpu-int8", int8));
        assertEquals("m-v1-cpu-int8", first.getVariantId());
        assertEquals(4, first.getSizeBytes());
        assertEquals(first, stub.addVariant(variant("m", 1, "cpu-int8", sha)), "the variant added first wins");
        assertEquals(List.of(first), registry.version("m", 1).orElseThrow().getVariantsList());
        assertEquals(
                List.of(first),
                stub.getVersion(GetVersionRequest.newBuilder().setModelName("m").build())
                        .getVariantsList());

        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.addVariant(variant("m", 2, "cpu", sha))));
        assertEquals(Status.Code.NOT_FOUND, code(() -> stub.addVariant(variant("nope", 1, "cpu", sha))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.addVariant(variant("m", 1, "no/slash", sha))));
        String missing = Hashing.sha256Hex(new byte[] {2});
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> stub.addVariant(variant("m", 1, "mcu", missing))));
        assertEquals(5, registry.addVariantCalls("m").size());
        assertEquals(6, registry.addVariantCalls().size());
    }

    @Test
    void unknownVersionsAreNotFound() {
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> stub.getVersion(
                        GetVersionRequest.newBuilder().setModelName("m").build())));
        registry.register(ModelVersion.newBuilder()
                .setModelName("m")
                .setVersion(1)
                .setArtifactSha256(sha)
                .build());
        assertEquals(
                1,
                stub.getVersion(GetVersionRequest.newBuilder().setModelName("m").build())
                        .getVersion());
        assertEquals(
                Status.Code.NOT_FOUND,
                code(() -> stub.getVersion(GetVersionRequest.newBuilder()
                        .setModelName("m")
                        .setVersion(2)
                        .build())));
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                code(() -> stub.getVersion(GetVersionRequest.newBuilder()
                        .setModelName("m")
                        .setVersion(-1)
                        .build())));
    }

    @Test
    void injectedOutagesAreAnsweredThenTheRetrySucceeds() {
        registry.faults().failNext(ModelRegistryGrpc.getRegisterVersionMethod(), 2, Status.UNAVAILABLE);
        assertEquals(Status.Code.UNAVAILABLE, code(() -> stub.registerVersion(request("m", sha, "run-1"))));
        assertEquals(Status.Code.UNAVAILABLE, code(() -> stub.registerVersion(request("m", sha, "run-1"))));
        assertEquals(0, registry.versionCount("m"), "a failed call registers nothing");
        assertEquals(1, stub.registerVersion(request("m", sha, "run-1")).getVersion());
        assertEquals(3, registry.registerCalls().size());
    }
}
