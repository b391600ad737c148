package io.edgeloop.data.hostile;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.data.api.DatasetResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Every endpoint and RPC that data-service's code declares, fuzzed as an admin (see {@link Fuzzer}). */
@QuarkusTest
class DataSurfaceFuzzTest {
    @GrpcClient("self")
    Channel channel;

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        // the fuzzer's bodies are text: send them as the bytes of an image too (POST .../images consumes images)
        RestAssuredConfig before = RestAssured.config;
        RestAssured.config = RestAssured.config()
                .encoderConfig(EncoderConfig.encoderConfig()
                        .encodeContentTypeAs("image/png", ContentType.TEXT)
                        .encodeContentTypeAs("image/jpeg", ContentType.TEXT));
        try {
            Fuzzer.as("Bearer " + TestAuth.adminToken())
                    .rest(DatasetResource.class, "io.edgeloop.data")
                    .grpc(channel, DatasetResource.class, "io.edgeloop.data")
                    .assertNoProblems();
        } finally {
            RestAssured.config = before;
        }
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
