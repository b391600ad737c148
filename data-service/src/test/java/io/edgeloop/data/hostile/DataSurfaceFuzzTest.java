package io.edgeloop.data.hostile;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.data.api.DatasetResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Every endpoint and RPC that data-service's code declares, fuzzed as an admin (see {@link Fuzzer}). */
@QuarkusTest
class DataSurfaceFuzzTest {
    @GrpcClient("self")
    Channel channel;

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(DatasetResource.class, "io.edgeloop.data")
                .grpc(channel, DatasetResource.class, "io.edgeloop.data")
                .assertNoProblems();
    }

    @Test
    void theFuzzerReportsAPlanted500() {
        // the test-only resource next to this class fails on purpose: the fuzzer must notice
        AssertionError e = assertThrows(
                AssertionError.class,
                () -> Fuzzer.as("Bearer " + TestAuth.adminToken())
                        .rest(HostileTestResource.class, "io.edgeloop.data.hostile")
                        .assertNoProblems());
        assertTrue(e.getMessage().contains("/test-hostile/boom"), e.getMessage());
    }
}
