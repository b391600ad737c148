package io.edgeloop.testsupport.hostile;

import static io.restassured.RestAssured.given;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.edgeloop.testsupport.auth.Endpoints;
import io.edgeloop.testsupport.auth.RawGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Sends hostile input to every REST endpoint and gRPC method of an app (found by {@link Endpoints#scan}) as an
 * authorized caller, and collects every answer that is a 5xx, {@code INTERNAL} or {@code UNKNOWN}, or that shows
 * internals (SQL, Java class names, exception names).
 *
 * <ul>
 *   <li>REST: hostile path segments (NUL, control characters, overlong UTF-8, traversal, 2,000 characters), a NUL
 *       query parameter, and bodies that are malformed, of the wrong JSON type, or carry NUL / 100 KB strings and
 *       huge numbers under common field names.
 *   <li>gRPC: for each field of the request message in turn, a hostile value of its type (NUL and 100 KB strings,
 *       extreme numbers, unknown enum numbers), built from the method's protobuf descriptor.
 * </ul>
 */
public final class Fuzzer {
    private static final Pattern LEAK = Pattern.compile(
            // bounded repetitions: a response that echoes a long run of letters must not make the check quadratic
            "(?i)(insert into|select .{0,200} from|org\\.hibernate|java\\.[a-z]+\\.|io\\.edgeloop\\.|Exception\\b"
                    + "|\\bat [a-z]{1,40}\\.[a-z]{1,40}[^\\n]{0,200}\\(|postgres)");
    private static final String BIG = "x".repeat(100_000);
    private static final List<String> SEGMENTS =
            List.of("a%00b", "%01", "%C0%80", "%FF%FE", "..%2F..", "x".repeat(2_000), "%27%3B%20drop%20table%20x");
    private static final List<String> BODIES = List.of(
            "{",
            "[]",
            "\"x\"",
            "5",
            "null",
            "{\"a\":1,\"a\":2}",
            "{\"name\":\"a\\u0000b\",\"label\":\"\\u0001\",\"model\":\"" + BIG + "\",\"version\":1.7}",
            "{\"version\":99999999999999999999,\"count\":1e400,\"limit\":-1,\"percent\":\"x\"}",
            "{\"features\":[\"\\u0000\"],\"labels\":{},\"selector\":[],\"rollout\":5,\"promotion\":\"x\"}",
            "[".repeat(2_000) + "]".repeat(2_000));

    private final List<String> problems = new ArrayList<>();
    private final String authorization;

    private Fuzzer(String authorization) {
        this.authorization = authorization;
    }

    /** A fuzzer calling as {@code authorization} (e.g. an admin bearer token, so that input reaches the handlers). */
    public static Fuzzer as(String authorization) {
        return new Fuzzer(authorization);
    }

    /** Fuzzes every REST endpoint of the app (through REST Assured's base URI and port). */
    public Fuzzer rest(Class<?> anchor, String basePackage) {
        for (Endpoints.Endpoint e : Endpoints.scan(anchor, basePackage)) {
            if (e.isGrpc()) {
                continue;
            }
            String verb = e.key().substring(0, e.key().indexOf(' '));
            String template = e.key().substring(e.key().indexOf(' ') + 1);
            boolean json = e.consumes().contains("json") || e.consumes().equals("*/*");
            if (template.contains("{")) {
                for (String seg : SEGMENTS) {
                    send(verb, template.replaceAll("\\{[^}]+}", seg), json ? "{}" : "", e.consumes());
                }
            }
            String path = template.replaceAll("\\{[^}]+}", "fuzz");
            send(verb, path, json ? "{}" : "", e.consumes());
            send(verb, path + "?limit=%00&version=1.7&name=" + "y".repeat(3_000), json ? "{}" : "", e.consumes());
            if (!verb.equals("GET") && !verb.equals("DELETE")) {
                for (String body : BODIES) {
                    send(verb, path, body, json ? "application/json" : e.consumes());
                }
            }
        }
        return this;
    }

    /** Fuzzes every gRPC method of the app over {@code channel}. */
    public Fuzzer grpc(Channel channel, Class<?> anchor, String basePackage) {
        for (Endpoints.Endpoint e : Endpoints.scan(anchor, basePackage)) {
            if (!e.isGrpc()) {
                continue;
            }
            Descriptors.MethodDescriptor method =
                    ((ProtoMethodDescriptorSupplier) e.grpcMethod().getSchemaDescriptor()).getMethodDescriptor();
            boolean stream = !e.grpcMethod().getType().serverSendsOneMessage();
            for (DynamicMessage m : GrpcInputs.hostile(method.getInputType(), BIG)) {
                call(channel, e.key().substring(5), m.toByteArray(), m.toString(), stream);
            }
        }
        return this;
    }

    /** Fails with every problem found. */
    public void assertNoProblems() {
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " hostile inputs were mishandled:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
        }
    }

    private void send(String verb, String path, String body, String type) {
        Response r;
        try {
            r = given().urlEncodingEnabled(false)
                    .header("Authorization", authorization)
                    .contentType(type.equals("*/*") ? "application/json" : type)
                    .body(body)
                    .request(verb, path);
        } catch (RuntimeException ex) {
            problems.add(verb + " " + cut(path) + ": the call failed: " + ex);
            return;
        }
        String text = r.asString();
        if (r.statusCode() >= 500 || LEAK.matcher(text).find()) {
            problems.add(verb + " " + cut(path) + " body " + cut(body) + ": " + r.statusCode() + " " + cut(text));
        }
    }

    private void call(Channel channel, String method, byte[] request, String what, boolean stream) {
        RawGrpc.Outcome outcome = RawGrpc.probe(channel, method, request, authorization, stream);
        if (!outcome.answered()) {
            if (!stream) {
                problems.add("grpc " + method + " " + cut(what.replace('\n', ' ')) + ": no answer in 60 s");
            }
            return;
        }
        Status s = outcome.status();
        String description = String.valueOf(s.getDescription());
        if (s.getCode() == Status.Code.INTERNAL
                || s.getCode() == Status.Code.UNKNOWN
                || LEAK.matcher(description).find()) {
            problems.add("grpc " + method + " " + cut(what.replace('\n', ' ')) + ": " + s.getCode() + " "
                    + cut(description));
        }
    }

    private static String cut(String s) {
        String t = s.replaceAll("[\\x00-\\x1f]", "?");
        return t.length() > 160 ? t.substring(0, 160) + "..." : t;
    }
}
