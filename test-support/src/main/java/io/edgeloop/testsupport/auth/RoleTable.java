package io.edgeloop.testsupport.auth;

import static io.restassured.RestAssured.given;

import io.edgeloop.common.auth.Roles;
import io.grpc.Channel;
import io.grpc.Status;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The table of who may call what in one app, checked two ways:
 *
 * <ol>
 *   <li>{@link #assertMatchesCode(Class, String)}: the table lists exactly the endpoints and RPCs the code declares, with the
 *       same roles (an endpoint added without a row, or a role changed in one place only, fails).
 *   <li>{@link #assertEnforcedOverRest()} and {@link #assertEnforcedOverGrpc(Channel)}: for every row, a call without a
 *       token gets 401 / {@code UNAUTHENTICATED}, a call with a role that does not imply an allowed one gets 403 /
 *       {@code PERMISSION_DENIED}, and a call with an allowed role passes authorization (whatever the handler then
 *       says about the probe's empty input, it is never 401/403, never a 5xx, {@code INTERNAL} or {@code UNKNOWN}).
 * </ol>
 */
public final class RoleTable {
    private static final List<String> PROBE_ROLES =
            List.of(Roles.DEVICE, Roles.VIEWER, Roles.DATA, Roles.ML, Roles.RELEASE, Roles.ADMIN);

    private final Map<String, Set<String>> rows = new LinkedHashMap<>();
    private final Map<String, String> consumes = new TreeMap<>();

    /** Adds a REST row: {@code verb path} (path template as in {@code @Path}) callable by {@code roles}. */
    public RoleTable rest(String verb, String path, String... roles) {
        return row(verb + " " + path, roles);
    }

    /** Adds a REST row open to anyone. */
    public RoleTable open(String verb, String path) {
        rows.put(verb + " " + path, Endpoints.OPEN);
        return this;
    }

    /** Adds a gRPC row open to anyone ({@code @PermitAll}). */
    public RoleTable openGrpc(String fullMethod) {
        rows.put("grpc " + fullMethod, Endpoints.OPEN);
        return this;
    }

    /** Adds a gRPC row: {@code package.Service/Method} callable by {@code roles}. */
    public RoleTable grpc(String fullMethod, String... roles) {
        return row("grpc " + fullMethod, roles);
    }

    private RoleTable row(String key, String... roles) {
        if (rows.put(key, new TreeSet<>(List.of(roles))) != null) {
            throw new IllegalArgumentException("two rows for " + key);
        }
        return this;
    }

    /**
     * Fails unless the table and the code in {@code basePackage} (of the classes directory holding {@code anchor})
     * declare the same endpoints with the same roles. Call it before the {@code assertEnforced...} methods: it also
     * learns each endpoint's media type and each RPC's type.
     */
    public void assertMatchesCode(Class<?> anchor, String basePackage) {
        Map<String, Set<String>> code = new TreeMap<>();
        for (Endpoints.Endpoint e : Endpoints.scan(anchor, basePackage)) {
            code.put(e.key(), e.roles());
            consumes.put(e.key(), e.consumes());
        }
        List<String> problems = new ArrayList<>();
        code.forEach((k, r) -> {
            if (!rows.containsKey(k)) {
                problems.add("no row for " + k + " (code allows " + r + ")");
            } else if (!rows.get(k).equals(r)) {
                problems.add(k + ": table says " + rows.get(k) + ", code says " + r);
            }
        });
        rows.keySet().stream()
                .filter(k -> !code.containsKey(k))
                .forEach(k -> problems.add("row for " + k + " matches no endpoint in the code"));
        if (!problems.isEmpty()) {
            throw new AssertionError("role table and code differ:\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Calls every REST row through REST Assured (the app under test) as nobody, a wrong role and a right role, with
     * an empty body of the media type the endpoint consumes (known after {@link #assertMatchesCode(Class, String)}).
     */
    public void assertEnforcedOverRest() {
        List<String> problems = new ArrayList<>();
        rows.forEach((key, roles) -> {
            if (key.startsWith("grpc ")) {
                return;
            }
            String verb = key.substring(0, key.indexOf(' '));
            String path = key.substring(key.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "probe");
            if (roles.equals(Endpoints.OPEN)) {
                expectRest(problems, key, verb, path, TestAuth.ANONYMOUS, s -> s != 401 && s != 403 && s < 500);
                return;
            }
            expectRest(problems, key, verb, path, TestAuth.ANONYMOUS, s -> s == 401);
            String wrong = wrongRole(roles);
            if (wrong != null) {
                expectRest(problems, key, verb, path, TestAuth.bearer("probe-" + wrong, wrong), s -> s == 403);
            }
            String right = roles.iterator().next();
            expectRest(
                    problems, key, verb, path, TestAuth.bearer("probe", right), s -> s != 401 && s != 403 && s < 500);
        });
        failIf(problems);
    }

    /** Calls every gRPC row over {@code channel} (an empty request message) as nobody, a wrong role and a right one. */
    public void assertEnforcedOverGrpc(Channel channel) {
        if (rows.keySet().stream().anyMatch(k -> k.startsWith("grpc ") && !consumes.containsKey(k))) {
            throw new IllegalStateException("call assertMatchesCode first: it learns which RPCs stream their answers");
        }
        List<String> problems = new ArrayList<>();
        rows.forEach((key, roles) -> {
            if (!key.startsWith("grpc ")) {
                return;
            }
            String method = key.substring(5);
            if (roles.equals(Endpoints.OPEN)) {
                expectGrpc(
                        problems,
                        channel,
                        method,
                        null,
                        c -> c != Status.Code.UNAUTHENTICATED
                                && c != Status.Code.PERMISSION_DENIED
                                && c != Status.Code.INTERNAL
                                && c != Status.Code.UNKNOWN);
                return;
            }
            expectGrpc(problems, channel, method, null, c -> c == Status.Code.UNAUTHENTICATED);
            String wrong = wrongRole(roles);
            if (wrong != null) {
                expectGrpc(
                        problems,
                        channel,
                        method,
                        TestAuth.bearer("probe-" + wrong, wrong),
                        c -> c == Status.Code.PERMISSION_DENIED);
            }
            expectGrpc(
                    problems,
                    channel,
                    method,
                    TestAuth.bearer("probe", roles.iterator().next()),
                    c -> c != Status.Code.UNAUTHENTICATED
                            && c != Status.Code.PERMISSION_DENIED
                            && c != Status.Code.INTERNAL
                            && c != Status.Code.UNKNOWN);
        });
        failIf(problems);
    }

    /** A probe role that neither is nor implies any of {@code allowed}; null when every role is allowed. */
    static String wrongRole(Set<String> allowed) {
        for (String r : PROBE_ROLES) {
            if (Roles.expand(List.of(r)).stream().noneMatch(allowed::contains)) {
                return r;
            }
        }
        return null;
    }

    private void expectRest(
            List<String> problems,
            String key,
            String verb,
            String path,
            String authorization,
            java.util.function.IntPredicate ok) {
        String type = consumes.getOrDefault(key, "application/json");
        boolean json = type.contains("json") || type.equals("*/*");
        boolean bodiless = verb.equals("GET") || verb.equals("DELETE") || verb.equals("HEAD");
        var request = given().header("Authorization", authorization).contentType(json ? "application/json" : type);
        if (json) {
            request.body(bodiless ? "" : "{}");
        } else {
            request.body(new byte[0]);
        }
        Response r = request.request(verb, path);
        if (!ok.test(r.statusCode())) {
            problems.add(key + " as " + who(authorization) + ": got " + r.statusCode() + " "
                    + r.body().asString().replace('\n', ' '));
        }
    }

    private void expectGrpc(
            List<String> problems,
            Channel channel,
            String method,
            String authorization,
            java.util.function.Predicate<Status.Code> ok) {
        String type = consumes.getOrDefault("grpc " + method, "UNARY");
        boolean stream = type.equals("SERVER_STREAMING") || type.equals("BIDI_STREAMING");
        RawGrpc.Outcome outcome = RawGrpc.probe(
                channel, method, new byte[0], authorization == null ? TestAuth.ANONYMOUS : authorization, stream);
        Status status = outcome.answered()
                ? outcome.status()
                : stream ? Status.OK : Status.DEADLINE_EXCEEDED.withDescription("no answer in 60 s");
        if (!ok.test(status.getCode())) {
            problems.add("grpc " + method + " as " + who(authorization) + ": got " + status.getCode() + " "
                    + status.getDescription());
        }
    }

    private static String who(String authorization) {
        return authorization == null || !authorization.startsWith("Bearer ") ? "anonymous" : "a role probe";
    }

    private static void failIf(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError("authorization not as the table says:\n  " + String.join("\n  ", problems));
        }
    }
}
