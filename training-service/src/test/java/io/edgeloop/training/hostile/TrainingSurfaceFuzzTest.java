package io.edgeloop.training.hostile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.embedded.quarkus.KafkaTestResource;
import io.edgeloop.embedded.quarkus.PostgresTestResource;
import io.edgeloop.testsupport.auth.TestAuth;
import io.edgeloop.testsupport.hostile.Fuzzer;
import io.edgeloop.training.config.TrainingConfig;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint that training-service's code declares, fuzzed as an admin (see {@link Fuzzer}). The service serves
 * no gRPC of its own (the test doubles of its peers are test code, outside the scan); the gRPC pass covers any
 * service added later. Then each POST body again, with one hostile value in one field of an otherwise valid request
 * (the generic fuzz mostly sends bodies that fail before any one field matters).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
class TrainingSurfaceFuzzTest {
    /**
     * Anchors the scan in the app's classes directory: a class Quarkus does not rewrite (the resources access Panache
     * entity fields, so they are transformed and loaded without a code source).
     */
    private static final Class<?> ANCHOR = TrainingConfig.class;

    /** Longest acceptable error answer: a refusal names the bad value, it does not echo 100 KB of it. */
    private static final int MAX_ANSWER = 16_384;

    /** Internals in an answer (linear-time: no unbounded backtracking over a long echoed value). */
    private static final Pattern LEAK = Pattern.compile(
            "(?i)(insert into|select .{0,200} from|org\\.hibernate|java\\.[a-z]+\\.|io\\.edgeloop\\.|Exception\\b"
                    + "|postgres)");
    /** A dataset the data-service double does not hold: a valid request gets 404, and nothing is queued. */
    private static final String MISSING = "fuzz-missing";
    /** JSON values, each put in place of one field. */
    private static final List<String> HOSTILE = List.of(
            "\"\"",
            "\"' or 1=1; --\"",
            "\"" + "x".repeat(60_000) + "\"",
            "\"\\ud83d\"",
            "-1",
            "2147483648",
            "9223372036854775808",
            "1e400",
            "-1e400",
            "1.5",
            "true",
            "[]",
            "[" + "1,".repeat(10_000) + "1]",
            "[" + "\"x\",".repeat(5_000) + "\"x\"]",
            "{}",
            "{\"a\":{\"b\":[[[[[[1]]]]]]}}");

    private static final String SPEC = "{\"architecture\":\"mlp\",\"optimizer\":\"adam\",\"targetProfile\":\"cpu\","
            + "\"maxEpochs\":2,\"batchSize\":32,\"patience\":2,\"seed\":7,\"learningRate\":0.01,"
            + "\"hiddenUnits\":[16,8],\"distillationTemperature\":0,\"distillationAlpha\":0,"
            + "\"studentHiddenUnits\":[]}";

    @GrpcClient("self")
    Channel channel;

    @Test
    void noEndpointAnswersHostileInputWithA5xxOrInternals() {
        Fuzzer.as("Bearer " + TestAuth.adminToken())
                .rest(ANCHOR, "io.edgeloop.training")
                .grpc(channel, ANCHOR, "io.edgeloop.training")
                .assertNoProblems();
    }

    @Test
    void oneHostileFieldInAnOtherwiseValidBodyIsAnsweredCleanly() {
        String common = "\"datasetName\":\"" + MISSING + "\",\"datasetVersion\":1,\"dataKind\":\"features\","
                + "\"sampleShape\":[4]";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("/training-runs", "{" + common + ",\"spec\":" + SPEC + "}");
        bodies.put(
                "/distillations",
                "{" + common + ",\"teacher\":" + SPEC + ",\"student\":" + SPEC + ",\"temperature\":4,\"alpha\":0.7}");
        bodies.put("/searches", "{" + common + ",\"targetProfile\":\"mcu\",\"spec\":" + SPEC + "}");
        List<String> problems = new ArrayList<>();
        String auth = "Bearer " + TestAuth.adminToken();
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            // the spec's fields go through the same code in every endpoint: fuzzed inside one of them only
            for (String body : variants(e.getValue(), e.getKey().equals("/training-runs"))) {
                Response r = given().header("Authorization", auth)
                        .contentType("application/json")
                        .body(body)
                        .post(e.getKey());
                String text = r.asString();
                if (r.statusCode() >= 500
                        || r.statusCode() < 400
                        || text.length() > MAX_ANSWER
                        || LEAK.matcher(text).find()) {
                    String b = body.length() > 200 ? body.substring(0, 200) + "..." : body;
                    String t = text.length() > 300 ? text.substring(0, 300) + "..." : text;
                    problems.add("POST " + e.getKey() + " " + b + ": " + r.statusCode() + " " + t);
                }
            }
        }
        assertEquals(List.of(), problems);
        given().header("Authorization", auth)
                .get("/training-runs?datasetName=" + MISSING)
                .then()
                .statusCode(200)
                .body("size()", is(0));
    }

    /**
     * {@code body} with, in turn, the value of each of its fields (top-level and, when {@code nested}, each field of
     * each nested object) replaced by each {@link #HOSTILE} value. Fields are found textually: {@code "name":value}
     * where value is a string, a number, an array of numbers or an object without nested objects.
     */
    private static List<String> variants(String body, boolean nested) {
        List<String> out = new ArrayList<>();
        var m = Pattern.compile("\"([A-Za-z]+)\":(\"[^\"]*\"|-?[0-9.]+|\\[[^\\]]*]|\\{[^{}]*})")
                .matcher(body);
        int from = 0;
        while (m.find(from)) {
            for (String v : HOSTILE) {
                out.add(body.substring(0, m.start(2)) + v + body.substring(m.end(2)));
            }
            from = nested ? m.start(2) : m.end(2); // nested: then the fields inside an object value
        }
        return out;
    }
}
