package io.edgeloop.agent.hostile;

import io.edgeloop.agent.TestModels;
import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.agent.domain.LoadedModel;
import io.edgeloop.agent.domain.ModelDescriptor;
import io.edgeloop.agent.domain.ModelRuntime;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint and RPC of the agent (local inference, KServe v2 over REST and gRPC, status, simulator), fuzzed as an
 * admin with a model loaded, so that hostile input reaches the inference path (see {@link Fuzzer}).
 */
@QuarkusTest
class AgentSurfaceFuzzTest {
    @Inject
    ModelRuntime runtime;

    @GrpcClient("kserve")
    Channel channel;

    @BeforeEach
    void loadAModel() throws Exception {
        runtime.close();
        Path file = Files.createTempFile("agent-fuzz", ".onnx");
        Files.write(file, TestModels.constant(8, 4, 1, "normal,imbalance,misalignment,bearing-fault"));
        var d = new ModelDescriptor(
                "dep-fuzz", "fuzz", 1, "fuzz-v1", "f".repeat(64), "onnx", List.of(), 0, Instant.now());
        runtime.activate(LoadedModel.load(runtime.environment(), file, d, 1));
    }

    @AfterEach
    void unload() {
        runtime.close();
    }

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(AgentConfig.class, "io.edgeloop.agent")
                .grpc(channel, AgentConfig.class, "io.edgeloop.agent")
                .assertNoProblems();
    }
}
