package io.edgeloop.compiler.hostile;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.testing.FakeModelRegistry;
import io.edgeloop.compiler.testing.TestGraphs;
import io.edgeloop.compiler.testing.TestModels;
import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.edgeloop.testsupport.hostile.HostileVariants;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint that compiler-service's code declares, fuzzed as an admin (see {@link Fuzzer}). The service serves
 * no gRPC of its own (the test doubles of its peers are test code, outside the scan); the gRPC pass covers any
 * service added later. Then {@code POST /models} again with valid parameters and hostile models: random bytes, and a
 * valid ONNX model with one hostile value in one field (down to the graph's nodes, attributes and initializers),
 * which the ONNX checker sees before anything else.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class CompilerSurfaceFuzzTest {
    /**
     * Anchors the scan in the app's classes directory: a class Quarkus does not rewrite (the resources access Panache
     * entity fields, so they are transformed and loaded without a code source).
     */
    private static final Class<?> ANCHOR = CompilerConfig.class;

    /** Internals in an answer (linear-time: no unbounded backtracking over a long echoed value). */
    private static final Pattern LEAK = Pattern.compile(
            "(?i)(insert into|select .{0,200} from|org\\.hibernate|java\\.[a-z]+\\.|io\\.edgeloop\\.|Exception\\b"
                    + "|postgres)");

    private static final int MAX_DEPTH = 3;
    /** A snapshot the data-service double does not hold: a model the checker accepts gets 404, nothing registered. */
    private static final String UPLOAD = "/models?name=fuzz-upload&dataset=fuzz-missing&datasetVersion=1";

    @Inject
    @GrpcService
    FakeModelRegistry registry;

    @GrpcClient("self")
    Channel channel;

    private RestAssuredConfig saved;

    /** The fuzzer sends {@code POST /models} its hostile bodies as strings, which REST Assured only encodes when told how. */
    @BeforeEach
    void encodeOctetStreamAsText() {
        saved = RestAssured.config;
        RestAssured.config = RestAssured.config()
                .encoderConfig(EncoderConfig.encoderConfig()
                        .encodeContentTypeAs("application/octet-stream", ContentType.TEXT));
    }

    @AfterEach
    void restoreConfig() {
        RestAssured.config = saved;
    }

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(ANCHOR, "io.edgeloop.compiler")
                .grpc(channel, ANCHOR, "io.edgeloop.compiler")
                .assertNoProblems();
    }

    @Test
    void hostileModelsAreRefusedCleanly() {
        List<byte[]> bodies = new ArrayList<>();
        Random random = new Random(7);
        for (int size : new int[] {1, 16, 4096}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            bodies.add(b);
        }
        Message good = TestGraphs.gemm(TestModels.FEATURES, TestModels.CLASSES, 3);
        byte[] valid = good.toByteArray();
        bodies.add(java.util.Arrays.copyOf(valid, valid.length / 2));
        for (Message m : HostileVariants.of(good, MAX_DEPTH)) {
            bodies.add(m.toByteArray());
        }
        List<String> problems = new ArrayList<>();
        String auth = "Bearer " + TestAuth.adminToken();
        for (byte[] body : bodies) {
            Response r = given().header("Authorization", auth)
                    .contentType("application/octet-stream")
                    .body(body)
                    .post(UPLOAD);
            String text = r.asString();
            if (r.statusCode() >= 500
                    || r.statusCode() < 400
                    || LEAK.matcher(text).find()) {
                problems.add(body.length + " bytes #" + bodies.indexOf(body) + ": " + r.statusCode() + " "
                        + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(0, registry.versionCount("fuzz-upload"), "a refused upload registers nothing");
    }
}
