package io.edgeloop.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.deploy.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON over HTTP to the services for the CLI: every call carries the {@link Connection}'s bearer token; an answer of
 * 400 or more becomes a {@link CliError} with the service's problem+json title, detail and field errors.
 */
final class Api {
    /** An answer below 400: status and JSON body (a missing node when empty, a text node when not JSON). */
    record Reply(int status, JsonNode body) {}

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Connection connection;

    Api(Connection connection) {
        this.connection = connection;
    }

    /** GET, returning the body. */
    JsonNode get(String service, String path) {
        return send("GET", service, path, null, null).body();
    }

    /** POST of a JSON body ({@code null}: no body). */
    Reply post(String service, String path, Object body) {
        return send("POST", service, path, "application/json", body == null ? null : bytes(body));
    }

    /** PUT of a JSON body. */
    Reply put(String service, String path, Object body) {
        return send("PUT", service, path, "application/json", bytes(body));
    }

    /** Sends {@code body} (null: none) with {@code contentType}; throws {@link CliError} for 400 and above. */
    Reply send(String method, String service, String path, String contentType, byte[] body) {
        String base = connection.url(service);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && body != null) {
            request.header("Content-Type", contentType);
        }
        String token = connection.token();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException
                    ? "connection refused"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new CliError("cannot reach " + service + "-service at " + base + ": " + why
                    + " (is the stack running? see --work-dir, --url-" + service + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("interrupted");
        }
        JsonNode node = parse(r.body());
        if (r.statusCode() >= 400) {
            throw problem(r.statusCode(), node);
        }
        return new Reply(r.statusCode(), node);
    }

    /** The error a service's answer describes: its problem+json title and detail, or the status and the body. */
    static CliError problem(int status, JsonNode body) {
        List<String> details = new ArrayList<>();
        for (JsonNode e : body.path("errors")) {
            details.add(e.path("field").asText("-") + ": " + e.path("message").asText(""));
        }
        String title = body.path("title").asText("");
        String detail = body.path("detail").asText("");
        if (body.isObject() && body.has("error_code")) { // MLflow's error body
            title = body.path("error_code").asText();
            detail = body.path("message").asText("");
        }
        String message;
        if (title.isEmpty() && detail.isEmpty()) {
            String text = body.isMissingNode() ? "" : body.isTextual() ? body.asText() : body.toString();
            message = "HTTP " + status + (text.isBlank() ? "" : ": " + abbreviate(text.strip(), 300));
        } else if (detail.isEmpty() || detail.equals(title)) {
            message = (title.isEmpty() ? detail : title) + " (HTTP " + status + ")";
        } else {
            message = (title.isEmpty() ? "HTTP " + status : title) + ": " + detail + " (HTTP " + status + ")";
        }
        return new CliError(status, message, details);
    }

    /** One path segment, percent-encoded. */
    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query parameter's value, percent-encoded. */
    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Object body) {
        try {
            return body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return Json.MAPPER.missingNode();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(body);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
