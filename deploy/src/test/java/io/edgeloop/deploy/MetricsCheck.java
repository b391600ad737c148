package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * After a loop, scrapes every running instance of every service as Prometheus would ({@code /q/metrics}, a viewer's
 * token) and checks the domain series the loop must have produced, and that every series the Grafana dashboard
 * (deploy/grafana/edgeloop-dashboard.json) queries is among those scraped.
 */
final class MetricsCheck {
    private static final Pattern SAMPLE =
            Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ([0-9.eE+-]+|NaN)");
    private static final Pattern SERIES =
            Pattern.compile("\\b(edgeloop_[a-z0-9_]+|http_[a-z0-9_]+|grpc_[a-z0-9_]+|jvm_[a-z0-9_]+)");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scraped sample. */
    record Sample(String instance, String name, String labels, double value) {}

    private MetricsCheck() {}

    /** Scrapes and checks; {@code agents} devices must be connected to deployment-service's instances. */
    static void against(LocalStack stack, Path home, int agents) throws Exception {
        String token = stack.auth()
                .mint("prometheus-it", Duration.ofHours(1), "viewer")
                .value();
        // gauges read from the database refresh every 15 s: the newest rollout may need one more refresh
        org.awaitility.Awaitility.await("the loop's series in /q/metrics")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> check(scrapeAll(stack, token), home, agents));
        swaggerUi(stack);
    }

    /**
     * Every service serves Swagger UI over its OpenAPI document in the packaged (prod) build, without a token (web-kit
     * {@code quarkus.swagger-ui.always-include}).
     */
    static void swaggerUi(LocalStack stack) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String service : LocalStack.SERVICES) {
            String url = stack.url(service) + "/q/swagger-ui/";
            java.net.http.HttpResponse<String> r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(
                    r.statusCode() == 200 && r.body().contains("swagger-ui"),
                    url + " answers Swagger UI: " + r.statusCode());
        }
    }

    private static void check(List<Sample> samples, Path home, int agents) throws IOException {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        for (String event : List.of("DataReady", "ModelTrained", "ModelOptimized", "Deployed", "DriftDetected")) {
            assertTrue(
                    sum(samples, "edgeloop_events_consumed_total", "event=\"" + event + "\",outcome=\"applied\"") > 0,
                    event + " consumed, in the scrapes: " + grep(samples, "edgeloop_events_consumed_total"));
        }
        assertTrue(sum(samples, "edgeloop_events_published_total", "event=") > 0, "events published");
        assertTrue(
                sum(samples, "edgeloop_jobs_duration_seconds_count", "outcome=\"succeeded\"") > 0,
                "durable jobs timed: " + grep(samples, "edgeloop_jobs_duration_seconds_count"));
        assertTrue(
                max(samples, "edgeloop_rollouts", "state=\"completed\"") >= 2,
                "completed rollouts: " + grep(samples, "edgeloop_rollouts"));
        assertEquals(agents, (int) sum(samples, "edgeloop_devices_connected", ""), "devices connected, all instances");
        assertTrue(sum(samples, "edgeloop_agent_inferences_total", "model=") > 0, "inferences reported");
        assertTrue(names.contains("edgeloop_drift_score"), "drift score: " + grep(samples, "edgeloop_drift"));
        // RPC latency on the server side (the agents' fleet and telemetry streams, the services' dataset and registry
        // calls): timed per service and method, with the status code
        assertTrue(
                sum(samples, "grpc_server_processing_duration_seconds_count", "statusCode=\"OK\"") > 0,
                "gRPC calls timed: " + grep(samples, "grpc_server_processing_duration_seconds_count"));
        Set<String> missing = new TreeSet<>(dashboardSeries(home));
        missing.removeAll(names);
        assertEquals(Set.of(), missing, "series the Grafana dashboard queries that no service exposes");
    }

    /**
     * One scrape of an agent's own {@code /q/metrics} (edge-agent, {@code edgeloop.agent.metrics.enabled}): its text,
     * read as Prometheus would with a viewer's token.
     */
    record AgentScrape(String text) {
        /** The value of {@code name{labels}} (labels in exposition order; "" for none), or null when absent. */
        Double find(String name, String labels) {
            Matcher m = SAMPLE.matcher(text);
            while (m.find()) {
                String l = m.group(2) == null ? "" : m.group(2);
                if (m.group(1).equals(name)
                        && (labels.isEmpty() ? l.isEmpty() : l.matches("\\{" + Pattern.quote(labels) + ",?}"))) {
                    return Double.parseDouble(m.group(3));
                }
            }
            return null;
        }

        /** As {@link #find}, failing when absent. */
        double value(String name, String labels) {
            Double v = find(name, labels);
            assertTrue(v != null, name + "{" + labels + "} in the agent's scrape:\n" + text);
            return v;
        }
    }

    /** Scrapes the agent at {@code agentUrl} with a viewer's token (200 expected). */
    static AgentScrape scrapeAgent(LocalStack stack, String agentUrl) {
        String token = stack.auth()
                .mint("prometheus-agent-it", Duration.ofHours(1), "viewer")
                .value();
        try {
            String text = scrape(agentUrl, token);
            assertTrue(text != null, agentUrl + " answers /q/metrics");
            return new AgentScrape(text);
        } catch (Exception e) {
            throw new AssertionError("scrape of " + agentUrl + "/q/metrics", e);
        }
    }

    /** The metric names the dashboard's queries use. */
    static Set<String> dashboardSeries(Path home) throws IOException {
        JsonNode dash = new ObjectMapper()
                .readTree(home.resolve("deploy/grafana/edgeloop-dashboard.json").toFile());
        Set<String> out = new TreeSet<>();
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = SERIES.matcher(target.get("expr").asText());
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    private static List<Sample> scrapeAll(LocalStack stack, String token) throws Exception {
        List<Sample> all = new ArrayList<>();
        Map<String, Integer> scraped = new LinkedHashMap<>();
        for (String service : LocalStack.SERVICES) {
            for (String instance : List.of(service, service + "-2")) {
                String url;
                try {
                    url = stack.url(instance);
                } catch (IllegalArgumentException e) {
                    continue; // no second replica of this service
                }
                if (scraped.containsKey(url)) {
                    continue; // url(service) names the second replica when the first is down
                }
                String text = scrape(url, token);
                if (text == null) {
                    continue; // an instance the chaos left down
                }
                Matcher m = SAMPLE.matcher(text);
                int n = 0;
                while (m.find()) {
                    all.add(new Sample(
                            instance,
                            m.group(1),
                            m.group(2) == null ? "" : m.group(2),
                            Double.parseDouble(m.group(3))));
                    n++;
                }
                scraped.put(url, n);
            }
        }
        assertTrue(scraped.size() >= LocalStack.SERVICES.size(), "instances scraped: " + scraped);
        assertTrue(scraped.values().stream().allMatch(n -> n > 0), "samples per instance: " + scraped);
        return all;
    }

    private static String scrape(String url, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/q/metrics"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(15))
                .build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), url + "/q/metrics");
            return r.body();
        } catch (ConnectException e) {
            return null;
        }
    }

    private static double sum(List<Sample> samples, String name, String labelPart) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().contains(labelPart))
                .mapToDouble(Sample::value)
                .sum();
    }

    private static double max(List<Sample> samples, String name, String labelPart) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().contains(labelPart))
                .mapToDouble(Sample::value)
                .max()
                .orElse(0);
    }

    private static List<String> grep(List<Sample> samples, String prefix) {
        return samples.stream()
                .filter(s -> s.name().startsWith(prefix))
                .map(s -> s.instance() + " " + s.name() + s.labels() + " " + s.value())
                .toList();
    }
}
