package io.edgeloop.registry.hostile;

import io.edgeloop.registry.api.ModelResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Every endpoint and RPC that registry-service's code declares, fuzzed as an admin (see {@link Fuzzer}). */
@QuarkusTest
class RegistrySurfaceFuzzTest {
    @GrpcClient("self")
    Channel channel;

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(ModelResource.class, "io.edgeloop.registry")
                .grpc(channel, ModelResource.class, "io.edgeloop.registry")
                .assertNoProblems();
    }
}
