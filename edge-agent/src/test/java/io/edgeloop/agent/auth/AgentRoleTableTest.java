package io.edgeloop.agent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.testsupport.auth.RawGrpc;
import io.edgeloop.testsupport.auth.RoleTable;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on the agent: the device-local serving API (local inference, KServe v2 over REST and gRPC) and
 * the local status are open; changing the simulator needs {@code admin}. The table is checked against the code and
 * enforced over REST and gRPC, with a model loaded so that the open endpoints answer the probes' empty input with a
 * 4xx rather than "no model" (503).
 */
@QuarkusTest
class AgentRoleTableTest {
    /** The KServe v2 / Open Inference Protocol RPCs, all open. */
    static final List<String> SERVING_RPCS = List.of(
            "inference.GRPCInferenceService/ServerLive",
            "inference.GRPCInferenceService/ServerReady",
            "inference.GRPCInferenceService/ModelReady",
            "inference.GRPCInferenceService/ServerMetadata",
            "inference.GRPCInferenceService/ModelMetadata",
            "inference.GRPCInferenceService/ModelInfer");

    static final RoleTable TABLE = table();

    /**
     * Anchors the scan in the app's classes directory with a class Quarkus loads from there unchanged (a config
     * interface).
     */
    private static final Class<?> ANCHOR = AgentConfig.class;

    private static final String LABELS = "normal,imbalance,misalignment,bearing-fault";

    private static RoleTable table() {
        RoleTable t = new RoleTable()
                .open("POST", "/infer")
                .open("POST", "/models/{name}/infer")
                .open("GET", "/status")
                .open("GET", "/simulator")
                .rest("PUT", "/simulator", Roles.ADMIN)
                .rest("GET", "/q/metrics", Roles.VIEWER)
                .open("GET", "/v2")
                .open("GET", "/v2/health/live")
                .open("GET", "/v2/health/ready")
                .open("GET", "/v2/models/{model}")
                .open("GET", "/v2/models/{model}/versions/{version}")
                .open("GET", "/v2/models/{model}/ready")
                .open("GET", "/v2/models/{model}/versions/{version}/ready")
                .open("POST", "/v2/models/{model}/infer")
                .open("POST", "/v2/models/{model}/versions/{version}/infer");
        SERVING_RPCS.forEach(m -> t.grpc(m, "*")); // "*" = @PermitAll
        return t;
    }

    @Inject
    ModelRuntime runtime;

    @GrpcClient("kserve")
    Channel channel;

    @BeforeEach
    void loadAModel() throws Exception {
        runtime.close();
        Path file = Files.createTempFile("agent-roles", ".onnx");
        Files.write(file, TestModels.constant(8, 4, 1, LABELS));
        var d = new ModelDescriptor(
                "dep-roles", "vibration", 1, "vibration-v1", "e".repeat(64), "onnx", List.of(), 0, Instant.now());
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
    }

    @AfterEach
    void unload() {
        runtime.close();
    }

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(ANCHOR, "io.edgeloop.agent");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(ANCHOR, "io.edgeloop.agent");
        TABLE.assertEnforcedOverRest();
    }

    /** Every serving RPC answers a caller without a token (and one with a device token) past authorization. */
    @Test
    void servingRpcsAreOpen() {
        List<String> problems = new ArrayList<>();
        for (String method : SERVING_RPCS) {
            for (String authorization : List.of(TestAuth.ANONYMOUS, TestAuth.bearer("edge-7", Roles.DEVICE))) {
                Status.Code code = call(method, authorization);
                if (code == Status.Code.UNAUTHENTICATED
                        || code == Status.Code.PERMISSION_DENIED
                        || code == Status.Code.INTERNAL
                        || code == Status.Code.UNKNOWN) {
                    problems.add(method + " as " + authorization.split(" ")[0] + ": " + code);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Sends one empty request message with {@code authorization} and returns the status the call ends with. */
    private Status.Code call(String method, String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        MethodDescriptor<byte[], byte[]> md = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(method)
                .setRequestMarshaller(RawGrpc.BYTES)
                .setResponseMarshaller(RawGrpc.BYTES)
                .build();
        try {
            ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                    md,
                    CallOptions.DEFAULT,
                    new byte[0]);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
