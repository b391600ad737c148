package io.edgeloop.console.clients;

import io.edgeloop.console.config.ConsoleConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Readiness of every configured service ({@code GET /q/health/ready}, open on every service). */
@ApplicationScoped
public class ServiceHealth {
    /** The readiness endpoint every service serves. */
    @Path("/q/health")
    public interface HealthClient {
        /** 200 when ready, 503 otherwise. */
        @GET
        @Path("/ready")
        Response ready();
    }

    /**
     * One service's state.
     *
     * @param state {@code UP}, {@code DOWN} (answered 503) or {@code UNREACHABLE}
     */
    public record Status(String service, String url, String state) {
        /** Whether the service is ready. */
        public boolean up() {
            return "UP".equals(state);
        }
    }

    private final ConsoleConfig config;
    private final Map<String, HealthClient> clients = new ConcurrentHashMap<>();

    ServiceHealth(ConsoleConfig config) {
        this.config = config;
    }

    /** Every configured service, by name. */
    public List<Status> all() {
        List<Status> out = new ArrayList<>();
        new TreeMap<>(config.services()).forEach((name, url) -> out.add(check(name, url)));
        return out;
    }

    private Status check(String name, String url) {
        HealthClient client = clients.computeIfAbsent(
                url,
                u -> QuarkusRestClientBuilder.newBuilder()
                        .baseUri(URI.create(u))
                        .connectTimeout(2, TimeUnit.SECONDS)
                        .readTimeout(3, TimeUnit.SECONDS)
                        .build(HealthClient.class));
        try (Response r = client.ready()) {
            return new Status(name, url, r.getStatus() == 200 ? "UP" : "DOWN");
        } catch (WebApplicationException e) {
            return new Status(name, url, "DOWN");
        } catch (ProcessingException | IllegalArgumentException e) {
            return new Status(name, url, "UNREACHABLE");
        }
    }
}
