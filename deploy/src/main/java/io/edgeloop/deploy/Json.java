package io.edgeloop.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * JSON over HTTP for the launcher's drivers (demo, CLI, benchmarks): every call returns status and parsed body. The
 * static methods use one shared client whose bearer token {@link #authorize} sets; a {@link Client} carries its own
 * token and timeout.
 */
public final class Json {
    /** The mapper every driver shares. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** A response: status code and JSON body (a missing node when empty, a text node when not JSON). */
    public record Reply(int status, JsonNode body) {
        /** This reply if its status is one of {@code ok}; otherwise an {@link IllegalStateException} naming both. */
        public Reply expect(int... ok) {
            for (int s : ok) {
                if (s == status) {
                    return this;
                }
            }
            throw new IllegalStateException("unexpected HTTP " + status + ": " + body);
        }
    }

    /** A JSON client with its own bearer token (none when null) and request timeout. */
    public static final class Client {
        private final String bearer;
        private final Duration timeout;

        public Client(String bearer, Duration timeout) {
            this.bearer = bearer;
            this.timeout = timeout;
        }

        public Reply get(String url) {
            return send(HttpRequest.newBuilder(URI.create(url)).GET());
        }

        public Reply post(String url, Object body) {
            return send(json(url).POST(HttpRequest.BodyPublishers.ofString(write(body))));
        }

        public Reply put(String url, Object body) {
            return send(json(url).PUT(HttpRequest.BodyPublishers.ofString(write(body))));
        }

        public Reply delete(String url) {
            return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
        }

        /** POSTs raw bytes ({@code application/octet-stream}), e.g. an ONNX model upload. */
        public Reply postBytes(String url, byte[] body) {
            return send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        }

        private Reply send(HttpRequest.Builder request) {
            try {
                if (bearer != null) {
                    request.header("Authorization", "Bearer " + bearer);
                }
                HttpResponse<String> r = HTTP.send(
                        request.timeout(timeout)
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode node = r.body() == null || r.body().isBlank() ? MAPPER.missingNode() : parseOrText(r.body());
                return new Reply(r.statusCode(), node);
            } catch (IOException e) {
                throw new IllegalStateException("HTTP call failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static volatile Client shared = new Client(null, DEFAULT_TIMEOUT);

    /**
     * Runs {@code call} again while it fails for want of an answer: a refused connection, or one dropped before the
     * answer (an instance killed mid-request), for up to {@code patience}, waiting a little longer each time; any
     * other failure, or one past the patience, is thrown. Only for calls that are safe to repeat: a GET, or a write the
     * server deduplicates (e.g. samples of a data set that drops duplicates).
     */
    public static Reply retryingUnanswered(Duration patience, java.util.function.Supplier<Reply> call) {
        long deadline = System.nanoTime() + patience.toNanos();
        long pauseMs = 100;
        while (true) {
            try {
                return call.get();
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof IOException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMs); // a client's back-off between connection attempts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            pauseMs = Math.min(2_000, pauseMs * 2);
        }
    }

    private Json() {}

    /** Sends {@code Authorization: Bearer <token>} on every later static call (the stack's admin token). */
    static void authorize(String token) {
        shared = new Client(token, DEFAULT_TIMEOUT);
    }

    static Reply get(String url) {
        return shared.get(url);
    }

    static Reply post(String url, Object body) {
        return shared.post(url, body);
    }

    static Reply postBytes(String url, byte[] body) {
        return shared.postBytes(url, body);
    }

    static Reply delete(String url) {
        return shared.delete(url);
    }

    public static Reply put(String url, Object body) {
        return shared.put(url, body);
    }

    private static HttpRequest.Builder json(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    }

    private static String write(Object body) {
        try {
            return body instanceof String s ? s : MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode parseOrText(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.getNodeFactory().textNode(body);
        }
    }
}
