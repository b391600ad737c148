package io.edgeloop.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP with the stack's admin bearer token, for the benchmark's setup calls. */
final class Rest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A response: status and JSON body (a missing node when empty, a text node when not JSON). */
    record Reply(int status, JsonNode body) {
        Reply expect(int... ok) {
            for (int s : ok) {
                if (s == status) {
                    return this;
                }
            }
            throw new IllegalStateException("unexpected HTTP " + status + ": " + body);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String bearer;

    Rest(String bearer) {
        this.bearer = bearer;
    }

    Reply put(String url, Object body) {
        return send(json(url).PUT(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    Reply post(String url, Object body) {
        return send(json(url).POST(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    Reply postBytes(String url, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static HttpRequest.Builder json(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    }

    private static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(
                    request.timeout(Duration.ofSeconds(120))
                            .header("Authorization", "Bearer " + bearer)
                            .header("Accept", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            JsonNode node;
            if (text == null || text.isBlank()) {
                node = MAPPER.missingNode();
            } else {
                try {
                    node = MAPPER.readTree(text);
                } catch (IOException e) {
                    node = MAPPER.getNodeFactory().textNode(text);
                }
            }
            return new Reply(r.statusCode(), node);
        } catch (IOException e) {
            throw new IllegalStateException("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
