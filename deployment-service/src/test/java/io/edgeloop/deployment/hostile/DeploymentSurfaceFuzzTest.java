package io.edgeloop.deployment.hostile;

import io.edgeloop.deployment.api.Views;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Every endpoint and RPC that deployment-service's code declares, fuzzed as an admin (see {@link Fuzzer}). */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class DeploymentSurfaceFuzzTest {
    @GrpcClient("devices")
    Channel channel;

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(Views.class, "io.edgeloop.deployment")
                .grpc(channel, Views.class, "io.edgeloop.deployment")
                .assertNoProblems();
    }
}
