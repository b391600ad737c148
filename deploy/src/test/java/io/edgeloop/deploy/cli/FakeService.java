package io.edgeloop.deploy.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A stand-in for a service's REST API: canned answers by method and path, every request recorded. */
final class FakeService implements AutoCloseable {
    /** A request as received. */
    record Request(String method, String uri, String contentType, String authorization, String body) {}

    /** A canned answer. */
    record Answer(int status, String contentType, String body) {}

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    final List<Request> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    FakeService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            String uri = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery());
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    uri,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(in, StandardCharsets.UTF_8)));
            Deque<Answer> queue = answers.get(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            Answer a = queue == null
                    ? new Answer(404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404}")
                    : queue.size() > 1 ? queue.poll() : queue.peek();
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", a.contentType());
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    /** Answers {@code method path} with a JSON body (several calls: answered in turn, the last one repeated). */
    FakeService on(String method, String path, int status, String json) {
        answers.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>())
                .add(new Answer(status, status >= 400 ? "application/problem+json" : "application/json", json));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Request last() {
        return requests.get(requests.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
