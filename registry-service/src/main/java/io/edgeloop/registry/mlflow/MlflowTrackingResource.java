package io.edgeloop.registry.mlflow;

import static io.edgeloop.registry.mlflow.MlflowParams.optionalText;
import static io.edgeloop.registry.mlflow.MlflowParams.required;
import static io.edgeloop.registry.mlflow.MlflowParams.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.registry.domain.RegistryException;
import io.edgeloop.registry.tracking.Experiment;
import io.edgeloop.registry.tracking.MetricPoint;
import io.edgeloop.registry.tracking.Run;
import io.edgeloop.registry.tracking.RunInfo;
import io.edgeloop.registry.tracking.TrackingStore;
import io.edgeloop.registry.tracking.TrackingStore.ViewType;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * MLflow 2.x Tracking API subset under {@code /api/2.0/mlflow/}: experiments create / get / get-by-name / search /
 * set-experiment-tag, runs create / get / search / update / log-metric / log-parameter / log-batch / set-tag /
 * delete-tag, and metrics get-history, stored in the registry's database ({@link TrackingStore}). Training runs
 * arrive by themselves from {@code ModelTrained} events. Shapes are MLflow's protobuf JSON ({@link TrackingShapes}),
 * errors MLflow's {@code {"error_code","message"}}. A run's {@code user_id} is the caller's subject (a {@code user_id}
 * sent by the client is ignored). No artifacts: {@code artifact_uri} is empty.
 *
 * <p>Roles: reads (including the POST forms of the searches) {@code viewer}; creating experiments and runs, logging
 * and tagging {@code ml}.
 */
@Path("/api/2.0/mlflow")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class MlflowTrackingResource {
    private static final int MAX_RUNS = 50_000;
    private static final int MAX_EXPERIMENTS = 50_000;

    @Inject
    TrackingStore store;

    @Inject
    SecurityIdentity identity;

    // --- experiments

    /** {@code {name, artifact_location?, tags?}} -> {@code {"experiment_id"}}; exists: RESOURCE_ALREADY_EXISTS. */
    @POST
    @Path("experiments/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> createExperiment(JsonNode body) {
        String name = requiredText(body, "name");
        String location = optionalText(body, "artifact_location");
        long id = store.createExperiment(
                        name, location == null ? "" : location, MlflowParams.tags(body), System.currentTimeMillis())
                .orElseThrow(() -> new MlflowException(
                        400, MlflowException.RESOURCE_ALREADY_EXISTS, "Experiment(name=" + name + ") already exists."));
        return Map.of("experiment_id", Long.toString(id));
    }

    /** {@code ?experiment_id=} -> {@code {"experiment"}}. */
    @GET
    @Path("experiments/get")
    public Map<String, Object> getExperiment(@QueryParam("experiment_id") String experimentId) {
        return Map.of("experiment", TrackingShapes.experiment(store.experiment(experimentId(experimentId))));
    }

    /** {@code ?experiment_name=} -> {@code {"experiment"}}; unknown: RESOURCE_DOES_NOT_EXIST. */
    @GET
    @Path("experiments/get-by-name")
    public Map<String, Object> getExperimentByName(@QueryParam("experiment_name") String name) {
        Experiment e = store.experimentByName(required("experiment_name", name))
                .orElseThrow(() -> MlflowException.notFound("Could not find experiment with name '" + name + "'"));
        return Map.of("experiment", TrackingShapes.experiment(e));
    }

    /**
     * {@code {filter?, max_results?, order_by?, page_token?, view_type?}} -> {@code {"experiments", "next_page_token"?}};
     * filter {@code name = 'x'}, {@code name LIKE 'x%'}; order by {@code name}, {@code experiment_id}, {@code
     * creation_time}, {@code last_update_time}.
     */
    @POST
    @Path("experiments/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> searchExperiments(JsonNode body) {
        String filter = optionalText(body, "filter");
        String pattern = null;
        if (filter != null && !filter.isBlank()) {
            var m = java.util.regex.Pattern.compile(
                            "\\s*(?:attributes\\.)?name\\s*(=|LIKE|ILIKE)\\s*(['\"])(.*)\\2\\s*",
                            java.util.regex.Pattern.CASE_INSENSITIVE)
                    .matcher(filter);
            if (!m.matches()) {
                throw MlflowException.invalid("unsupported filter '" + filter + "': use name = 'x' or name LIKE 'x%'");
            }
            pattern = m.group(1).equals("=") ? MlflowParams.likeLiteral(m.group(3)) : m.group(3);
        }
        StringBuilder order = new StringBuilder();
        for (MlflowParams.OrderBy o : MlflowParams.orderBy(
                MlflowParams.textList(body, "order_by"),
                List.of("name", "experiment_id", "creation_time", "last_update_time"))) {
            order.append("e.").append(o.key()).append(o.ascending() ? " asc, " : " desc, ");
        }
        String orderBy = order.isEmpty() ? "e.experiment_id" : order.substring(0, order.length() - 2);
        int limit = MlflowParams.maxResults(optionalText(body, "max_results"), MAX_EXPERIMENTS);
        int offset = MlflowParams.offset(optionalText(body, "page_token"));
        List<Experiment> page =
                store.searchExperiments(pattern, viewType(optionalText(body, "view_type")), orderBy, offset, limit + 1);
        return MlflowParams.page(
                "experiments",
                page.stream().limit(limit).map(TrackingShapes::experiment).toList(),
                page.size() > limit,
                offset + limit);
    }

    /** {@code {experiment_id, key, value}} -> {@code {}}. */
    @POST
    @Path("experiments/set-experiment-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> setExperimentTag(JsonNode body) {
        store.setExperimentTag(
                experimentId(requiredText(body, "experiment_id")),
                requiredText(body, "key"),
                valueOrEmpty(body, "value"));
        return Map.of();
    }

    // --- runs

    /** {@code {experiment_id?, start_time?, run_name?, tags?}} -> {@code {"run"}} (status RUNNING). */
    @POST
    @Path("runs/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> createRun(JsonNode body) {
        String experiment = optionalText(body, "experiment_id");
        String runId = UUID.randomUUID().toString().replace("-", "");
        Map<String, String> tags = MlflowParams.tags(body);
        String runName = optionalText(body, "run_name");
        if (runName == null || runName.isBlank()) {
            runName = tags.getOrDefault("mlflow.runName", "run-" + runId.substring(0, 8));
        }
        tags.put("mlflow.runName", runName);
        store.createRun(new TrackingStore.NewRun(
                runId,
                experimentId(experiment == null ? "0" : experiment),
                runName,
                Caller.subject(identity),
                "RUNNING",
                longOr(body, "start_time", System.currentTimeMillis()),
                null,
                tags));
        return Map.of("run", TrackingShapes.run(store.run(runId)));
    }

    /** {@code ?run_id=} (or {@code run_uuid}) -> {@code {"run"}} with its current metrics, params and tags. */
    @GET
    @Path("runs/get")
    public Map<String, Object> getRun(@QueryParam("run_id") String runId, @QueryParam("run_uuid") String runUuid) {
        return Map.of("run", TrackingShapes.run(store.run(required("run_id", runId == null ? runUuid : runId))));
    }

    /**
     * {@code {experiment_ids, filter?, run_view_type?, max_results?, order_by?, page_token?}} -> {@code {"runs",
     * "next_page_token"?}} (filter and order syntax: {@link RunQuery}).
     */
    @POST
    @Path("runs/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> searchRuns(JsonNode body) {
        List<Long> experiments = new ArrayList<>();
        for (String id : MlflowParams.textList(body, "experiment_ids")) {
            experiments.add(experimentId(id));
        }
        var filter = RunQuery.filter(optionalText(body, "filter"));
        var order = RunQuery.order(MlflowParams.textList(body, "order_by"));
        int limit = MlflowParams.maxResults(optionalText(body, "max_results"), MAX_RUNS);
        int offset = MlflowParams.offset(optionalText(body, "page_token"));
        List<Run> matching = store.runs(experiments, viewType(optionalText(body, "run_view_type"))).stream()
                .filter(filter)
                .sorted(order)
                .toList();
        return MlflowParams.page("runs", matching, offset, limit, TrackingShapes::run);
    }

    /** {@code {run_id, status?, end_time?, run_name?}} -> {@code {"run_info"}}. */
    @POST
    @Path("runs/update")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> updateRun(JsonNode body) {
        String status = optionalText(body, "status");
        if (status != null && !status.matches("RUNNING|SCHEDULED|FINISHED|FAILED|KILLED")) {
            throw MlflowException.invalid(
                    "status must be RUNNING, SCHEDULED, FINISHED, FAILED or KILLED, got '" + status + "'");
        }
        String endTime = optionalText(body, "end_time");
        RunInfo info = store.updateRun(
                runId(body),
                status,
                endTime == null ? null : longOr(body, "end_time", 0),
                optionalText(body, "run_name"));
        return Map.of("run_info", TrackingShapes.runInfo(info));
    }

    /** {@code {run_id, key, value, timestamp?, step?}} -> {@code {}}. */
    @POST
    @Path("runs/log-metric")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> logMetric(JsonNode body) {
        store.logBatch(runId(body), List.of(metric(body)), Map.of(), Map.of());
        return Map.of();
    }

    /** {@code {run_id, key, value}} -> {@code {}}; a param keeps its first value. */
    @POST
    @Path("runs/log-parameter")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> logParam(JsonNode body) {
        store.logBatch(
                runId(body), List.of(), Map.of(requiredText(body, "key"), valueOrEmpty(body, "value")), Map.of());
        return Map.of();
    }

    /** {@code {run_id, metrics?, params?, tags?}} -> {@code {}}, all or nothing. */
    @POST
    @Path("runs/log-batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> logBatch(JsonNode body) {
        List<MetricPoint> metrics = new ArrayList<>();
        for (JsonNode m : body == null ? List.<JsonNode>of() : iterable(body.get("metrics"))) {
            metrics.add(metric(m));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (JsonNode p : body == null ? List.<JsonNode>of() : iterable(body.get("params"))) {
            params.put(requiredText(p, "key"), valueOrEmpty(p, "value"));
        }
        store.logBatch(runId(body), metrics, params, MlflowParams.tags(body));
        return Map.of();
    }

    /** {@code {run_id, key, value}} -> {@code {}}. */
    @POST
    @Path("runs/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> setTag(JsonNode body) {
        store.logBatch(
                runId(body), List.of(), Map.of(), Map.of(requiredText(body, "key"), valueOrEmpty(body, "value")));
        return Map.of();
    }

    /** {@code {run_id, key}} -> {@code {}}. */
    @POST
    @Path("runs/delete-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> deleteTag(JsonNode body) {
        store.deleteTag(runId(body), requiredText(body, "key"));
        return Map.of();
    }

    /** {@code ?run_id=&metric_key=&max_results=&page_token=} -> {@code {"metrics", "next_page_token"?}}. */
    @GET
    @Path("metrics/get-history")
    public Map<String, Object> metricHistory(
            @QueryParam("run_id") String runId,
            @QueryParam("run_uuid") String runUuid,
            @QueryParam("metric_key") String key,
            @QueryParam("max_results") String maxResults,
            @QueryParam("page_token") String pageToken) {
        List<MetricPoint> all =
                store.metricHistory(required("run_id", runId == null ? runUuid : runId), required("metric_key", key));
        int limit = MlflowParams.maxResults(maxResults == null ? "25000" : maxResults, 25_000);
        int offset = MlflowParams.offset(pageToken);
        return MlflowParams.page("metrics", all, offset, limit, TrackingShapes::metric);
    }

    // --- errors in MLflow's shape

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        if (e.kind() == RegistryException.Kind.INVALID && !e.errors().isEmpty()) {
            return MlflowException.response(
                    400, MlflowException.INVALID_PARAMETER_VALUE, String.join("; ", e.errors()));
        }
        return MlflowException.response(e);
    }

    // --- internals

    private static MetricPoint metric(JsonNode m) {
        String key = requiredText(m, "key");
        String value = requiredText(m, "value");
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("metric '" + key + "': value must be a number, got '" + value + "'");
        }
        return new MetricPoint(key, v, longOr(m, "timestamp", System.currentTimeMillis()), longOr(m, "step", 0));
    }

    private static String runId(JsonNode body) {
        String id = optionalText(body, "run_id");
        return required("run_id", id == null ? optionalText(body, "run_uuid") : id);
    }

    private static long experimentId(String id) {
        try {
            long n = Long.parseLong(required("experiment_id", id).trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MlflowException.invalid("experiment_id must be a non-negative integer, got '" + id + "'");
    }

    private static ViewType viewType(String value) {
        if (value == null || value.isBlank()) {
            return ViewType.ACTIVE_ONLY;
        }
        try {
            return ViewType.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw MlflowException.invalid("view type must be ACTIVE_ONLY, DELETED_ONLY or ALL, got '" + value + "'");
        }
    }

    private static long longOr(JsonNode body, String field, long fallback) {
        String value = optionalText(body, field);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("'" + field + "' must be an integer, got '" + value + "'");
        }
    }

    private static String valueOrEmpty(JsonNode body, String field) {
        String value = optionalText(body, field);
        return value == null ? "" : value;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw MlflowException.invalid("metrics, params and tags must be lists");
        }
        return node;
    }
}
