package io.edgeloop.deploy;

import io.edgeloop.embedded.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The local stack's trace backend: a Zipkin server (its exec jar, a supervised JVM) when asked for and built, else an
 * in-process Zipkin-API span sink. Answers which services reported spans of a trace.
 */
final class StackTracing implements AutoCloseable {
    private final TraceSink sink;
    private final String zipkinUrl;

    private StackTracing(TraceSink sink, String zipkinUrl) {
        this.sink = sink;
        this.zipkinUrl = zipkinUrl;
    }

    /**
     * Starts Zipkin ({@code zipkin} true and {@code deploy/target/zipkin/zipkin.jar} present; port 9411 with fixed
     * ports) under {@code processes}, or the in-process sink.
     */
    static StackTracing start(
            boolean zipkin,
            Path home,
            boolean fixed,
            Path workDir,
            String javaBin,
            ProcessSupervisor processes,
            Consumer<String> log)
            throws IOException, InterruptedException {
        if (zipkin) {
            Path jar = home.resolve("deploy/target/zipkin/zipkin.jar");
            if (Files.exists(jar)) {
                long t0 = System.nanoTime();
                int port = fixed ? 9411 : Ports.free();
                processes.add(ManagedProcess.start(
                        "zipkin",
                        List.of(
                                javaBin,
                                "-Xmx256m",
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-jar",
                                jar.toString(),
                                "--armeria.ports[0].port=" + port,
                                "--armeria.ports[0].ip=127.0.0.1",
                                "--armeria.ports[0].protocols=http"),
                        workDir,
                        workDir.resolve("logs/zipkin.log")));
                String url = "http://127.0.0.1:" + port;
                processes.awaitHealthy("zipkin", url + "/health", Duration.ofSeconds(180));
                log.accept(String.format("zipkin      %s ready in %.1f s", url, (System.nanoTime() - t0) / 1e9));
                return new StackTracing(null, url);
            }
            log.accept("zipkin      " + jar + " not found (build the deploy module); using the in-process trace sink");
        }
        TraceSink sink = TraceSink.start();
        log.accept("traces      in-process Zipkin-API sink at " + sink.endpoint());
        return new StackTracing(sink, null);
    }

    /** Where services send spans (Zipkin v2 JSON API). */
    String spanEndpoint() {
        return sink != null ? sink.endpoint() : zipkinUrl + "/api/v2/spans";
    }

    /** Zipkin's UI/API base URL, or null when traces go to the in-process sink. */
    String zipkinUrl() {
        return zipkinUrl;
    }

    /** Names of the services that reported spans of {@code traceId}. */
    Set<String> services(String traceId) {
        if (sink != null) {
            return sink.services(traceId);
        }
        Set<String> names = new TreeSet<>();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(zipkinUrl + "/api/v2/trace/" + traceId))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                for (var span : Json.MAPPER.readTree(r.body())) {
                    names.add(span.path("localEndpoint").path("serviceName").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return names;
    }

    /** Stops the in-process sink (a Zipkin JVM is stopped with the other supervised processes). */
    @Override
    public void close() {
        if (sink != null) {
            sink.close();
        }
    }
}
