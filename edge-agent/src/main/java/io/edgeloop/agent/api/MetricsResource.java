package io.edgeloop.agent.api;

import io.edgeloop.agent.metrics.AgentMetrics;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * The agent's Prometheus metrics in the text exposition format, for a {@code viewer} (as every service's
 * {@code /q/metrics}: web-kit's HTTP permission {@code edgeloop-metrics} guards the path too); 404 when
 * {@code edgeloop.agent.metrics.enabled} is false. Series: see {@code PrometheusAgentMetrics}.
 */
@Path("/q/metrics")
@RolesAllowed(Roles.VIEWER)
public class MetricsResource {
    /** Prometheus' text format, version 0.0.4. */
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    AgentMetrics metrics;

    @GET
    @Produces(TEXT)
    public String scrape() {
        return metrics.scrape()
                .orElseThrow(() ->
                        ApiException.notFound("metrics are off on this device (edgeloop.agent.metrics.enabled=false)"));
    }
}
