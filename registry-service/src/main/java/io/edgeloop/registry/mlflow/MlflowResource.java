package io.edgeloop.registry.mlflow;

import static io.edgeloop.registry.mlflow.MlflowParams.likeLiteral;
import static io.edgeloop.registry.mlflow.MlflowParams.optionalText;
import static io.edgeloop.registry.mlflow.MlflowParams.parseVersion;
import static io.edgeloop.registry.mlflow.MlflowParams.required;
import static io.edgeloop.registry.mlflow.MlflowParams.requiredText;
import static io.edgeloop.registry.mlflow.MlflowParams.tags;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.domain.ModelLifecycle;
import io.edgeloop.registry.domain.ModelRegistry;
import io.edgeloop.registry.domain.ModelSearch;
import io.edgeloop.registry.domain.ModelSummary;
import io.edgeloop.registry.domain.RegistryException;
import io.edgeloop.registry.domain.VersionView;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * MLflow 2.x model-registry REST API subset under {@code /api/2.0/mlflow/}: registered-models create/get/search,
 * get-latest-versions and alias set/delete/get, model-versions create/get/search/get-download-uri. Shapes follow
 * MLflow's protobuf JSON ({@link MlflowShapes}); errors are {@code {"error_code","message"}} with 404
 * RESOURCE_DOES_NOT_EXIST, 400 INVALID_PARAMETER_VALUE or 400 RESOURCE_ALREADY_EXISTS. A model version's {@code
 * source} is an artifact stored in the registry, named by its digest ({@code sha256:<hex>}, {@code <hex>} or any URI
 * ending in the hex digest); responses give it as the artifact's download URL, and its {@code user_id} is who
 * registered it. Stages are EdgeLoop's aliases ({@link MlflowStages}); transitions, version tags and deletes are in
 * {@link MlflowVersionResource}; descriptions, renaming and deleting a registered model in {@link
 * MlflowModelResource}.
 *
 * <p>Roles: reads (including the POST forms of search and get-latest-versions) {@code viewer}; creating registered
 * models and model versions {@code ml}; setting and deleting aliases {@code release}. Alias moves are recorded with
 * the caller's subject as actor.
 */
@Path("/api/2.0/mlflow")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class MlflowResource {
    private static final Pattern SOURCE_DIGEST = Pattern.compile("([0-9a-f]{64})/?$");
    private static final Pattern NAME_FILTER =
            Pattern.compile("\\s*name\\s*(=|LIKE|ILIKE)\\s*(['\"])(.*)\\2\\s*", Pattern.CASE_INSENSITIVE);
    private static final List<String> MODEL_ORDER =
            List.of("name", "last_updated_timestamp", "timestamp", "creation_timestamp");
    private static final List<String> VERSION_ORDER =
            List.of("name", "version_number", "creation_timestamp", "last_updated_timestamp", "timestamp");

    @Inject
    ModelRegistry registry;

    @Inject
    ModelLifecycle lifecycle;

    @Inject
    ModelSearch modelSearch;

    @Inject
    MlflowShapes shapes;

    @Inject
    MlflowStages stagesOf;

    @Inject
    SecurityIdentity identity;

    // --- registered models

    /** {@code {name, tags:[{key,value}]}} -> {@code {"registered_model": ...}}. */
    @POST
    @Path("registered-models/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> createModel(JsonNode body) {
        String name = requiredText(body, "name");
        Map<String, String> tags = tags(body);
        if (!lifecycle.createModel(name, tags)) {
            throw new MlflowException(
                    400,
                    MlflowException.RESOURCE_ALREADY_EXISTS,
                    "Registered Model (name=" + name + ") already exists.");
        }
        return Map.of("registered_model", shapes.registeredModel(registry.model(name)));
    }

    /** {@code ?name=} -> {@code {"registered_model": ...}}. */
    @GET
    @Path("registered-models/get")
    public Map<String, Object> getModel(@QueryParam("name") String name) {
        return Map.of("registered_model", shapes.registeredModel(registry.model(required("name", name))));
    }

    /**
     * {@code ?filter=name LIKE '...'&max_results=&order_by=&page_token=} -> {@code {"registered_models": [...],
     * "next_page_token"?}}.
     */
    @GET
    @Path("registered-models/search")
    public Map<String, Object> searchModels(@BeanParam SearchParams params) {
        return searchModelsImpl(params);
    }

    /** POST form of search: {@code {filter, max_results, order_by, page_token}}. */
    @POST
    @Path("registered-models/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> searchModelsPost(JsonNode body) {
        return searchModelsImpl(SearchParams.of(body));
    }

    /**
     * {@code ?name=&stages=} -> {@code {"model_versions": [...]}}: the latest version per requested stage. Every
     * version is in stage {@code None}, so that is the latest version when {@code stages} is empty or names {@code
     * None}, and nothing for {@code Staging} / {@code Production} / {@code Archived}.
     */
    @GET
    @Path("registered-models/get-latest-versions")
    public Map<String, Object> latestVersions(
            @QueryParam("name") String name, @QueryParam("stages") List<String> stages) {
        return latestVersionsImpl(required("name", name), stages);
    }

    /** POST form of get-latest-versions: {@code {name, stages:[..]}}. */
    @POST
    @Path("registered-models/get-latest-versions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> latestVersionsPost(JsonNode body) {
        return latestVersionsImpl(requiredText(body, "name"), MlflowParams.textList(body, "stages"));
    }

    /** {@code {name, alias, version}}: points the alias at the version -> {@code {}}. */
    @POST
    @Path("registered-models/alias")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.RELEASE)
    public Map<String, Object> setAlias(JsonNode body) {
        String name = requiredText(body, "name");
        String alias = requiredText(body, "alias");
        int version = parseVersion(requiredText(body, "version"));
        registry.setAlias(name, alias, version, Caller.subject(identity), "set via the MLflow API");
        return Map.of();
    }

    /** {@code ?name=&alias=} (or the same as a JSON body): removes the alias -> {@code {}}. */
    @DELETE
    @Path("registered-models/alias")
    @RolesAllowed(Roles.RELEASE)
    public Map<String, Object> deleteAlias(
            @QueryParam("name") String name, @QueryParam("alias") String alias, String body) {
        if ((name == null || alias == null) && body != null && !body.isBlank()) {
            try {
                JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
                name = name == null ? optionalText(json, "name") : name;
                alias = alias == null ? optionalText(json, "alias") : alias;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw MlflowException.invalid("the body is not JSON: " + e.getOriginalMessage());
            }
        }
        registry.deleteAlias(
                required("name", name),
                required("alias", alias),
                Caller.subject(identity),
                "deleted via the MLflow API");
        return Map.of();
    }

    /** {@code ?name=&alias=} -> {@code {"model_version": ...}} the alias points at. */
    @GET
    @Path("registered-models/alias")
    public Map<String, Object> getByAlias(@QueryParam("name") String name, @QueryParam("alias") String alias) {
        return Map.of(
                "model_version",
                shapes.modelVersion(registry.versionByAlias(required("name", name), required("alias", alias))));
    }

    // --- model versions

    /** {@code {name, source, run_id, tags}} -> {@code {"model_version": ...}}; the model must exist. */
    @POST
    @Path("model-versions/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ML)
    public Map<String, Object> createVersion(JsonNode body) {
        String name = requiredText(body, "name");
        String source = requiredText(body, "source");
        Matcher m = SOURCE_DIGEST.matcher(source.trim());
        if (!m.find()) {
            throw MlflowException.invalid("source must name an artifact uploaded to the registry by its sha256"
                    + " (sha256:<hex>, <hex> or a URI ending in the hex digest), got '" + source + "'");
        }
        registry.model(name); // MLflow: the registered model must exist
        String runId = optionalText(body, "run_id");
        RegisterVersionRequest.Builder request = RegisterVersionRequest.newBuilder()
                .setModelName(name)
                .setArtifactSha256(m.group(1))
                .putAllTags(tags(body));
        if (runId != null) {
            request.setLineage(Lineage.newBuilder().setTrainingRunId(runId));
        }
        return Map.of(
                "model_version", shapes.modelVersion(registry.register(request.build(), Caller.subject(identity))));
    }

    /** {@code ?name=&version=} -> {@code {"model_version": ...}}. */
    @GET
    @Path("model-versions/get")
    public Map<String, Object> getVersion(@QueryParam("name") String name, @QueryParam("version") String version) {
        return Map.of(
                "model_version",
                shapes.modelVersion(
                        registry.version(required("name", name), parseVersion(required("version", version)))));
    }

    /** {@code ?filter=name='x'&max_results=&order_by=&page_token=} -> {@code {"model_versions": [...]}}. */
    @GET
    @Path("model-versions/search")
    public Map<String, Object> searchVersions(@BeanParam SearchParams params) {
        return searchVersionsImpl(params);
    }

    /** POST form of model-versions search. */
    @POST
    @Path("model-versions/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> searchVersionsPost(JsonNode body) {
        return searchVersionsImpl(SearchParams.of(body));
    }

    /** {@code ?name=&version=} -> {@code {"artifact_uri": "<base>/artifacts/<sha256>"}}. */
    @GET
    @Path("model-versions/get-download-uri")
    public Map<String, Object> downloadUri(@QueryParam("name") String name, @QueryParam("version") String version) {
        VersionView v = registry.version(required("name", name), parseVersion(required("version", version)));
        return Map.of("artifact_uri", shapes.artifactUrl(v.artifactSha256()));
    }

    // --- errors in MLflow's shape (these mappers apply to this resource only)

    @ServerExceptionMapper
    public Response mlflow(MlflowException e) {
        return MlflowException.response(e.status(), e.errorCode(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        return MlflowException.response(e);
    }

    // --- internals

    /** A search's {@code filter}, {@code max_results}, {@code order_by} and {@code page_token}. */
    public static final class SearchParams {
        @QueryParam("filter")
        String filter;

        @QueryParam("max_results")
        String maxResults;

        @QueryParam("order_by")
        List<String> orderBy;

        @QueryParam("page_token")
        String pageToken;

        static SearchParams of(JsonNode body) {
            SearchParams p = new SearchParams();
            p.filter = optionalText(body, "filter");
            p.maxResults = optionalText(body, "max_results");
            p.orderBy = MlflowParams.textList(body, "order_by");
            p.pageToken = optionalText(body, "page_token");
            return p;
        }
    }

    private Map<String, Object> searchModelsImpl(SearchParams params) {
        int limit = MlflowParams.maxResults(params.maxResults, MlflowParams.MAX_RESULTS);
        String filter = params.filter;
        String pattern = null;
        if (filter != null && !filter.isBlank()) {
            Matcher m = NAME_FILTER.matcher(filter);
            if (!m.matches()) {
                throw MlflowException.invalid(
                        "unsupported filter '" + filter + "': use name = 'x', name LIKE 'x%' or name ILIKE 'x%'");
            }
            pattern = m.group(1).equals("=") ? likeLiteral(m.group(3)) : m.group(3);
        }
        List<ModelSearch.Sort> sorts = new ArrayList<>();
        for (MlflowParams.OrderBy o : MlflowParams.orderBy(params.orderBy, MODEL_ORDER)) {
            ModelSearch.Field field = switch (o.key()) {
                case "name" -> ModelSearch.Field.NAME;
                case "creation_timestamp" -> ModelSearch.Field.CREATED;
                default -> ModelSearch.Field.LAST_UPDATED;
            };
            sorts.add(new ModelSearch.Sort(field, o.ascending()));
        }
        int offset = MlflowParams.offset(params.pageToken);
        List<ModelSummary> page = modelSearch.search(pattern, sorts, offset, limit + 1);
        List<Object> models = new ArrayList<>();
        for (ModelSummary s : page.subList(0, Math.min(limit, page.size()))) {
            models.add(shapes.registeredModel(registry.model(s.name())));
        }
        return MlflowParams.page("registered_models", models, page.size() > limit, offset + limit);
    }

    private Map<String, Object> latestVersionsImpl(String name, List<String> stages) {
        registry.model(name); // RESOURCE_DOES_NOT_EXIST for an unknown model
        List<Object> versions = new ArrayList<>();
        stagesOf.latest(name, stages).forEach(v -> versions.add(shapes.modelVersion(v)));
        return Map.of("model_versions", versions);
    }

    private Map<String, Object> searchVersionsImpl(SearchParams params) {
        int limit = MlflowParams.maxResults(params.maxResults, 200_000);
        String filter = params.filter;
        List<String> names;
        if (filter == null || filter.isBlank()) {
            names = registry.models().stream().map(ModelSummary::name).toList();
        } else {
            Matcher m = NAME_FILTER.matcher(filter);
            if (!m.matches() || !m.group(1).equals("=")) {
                throw MlflowException.invalid("unsupported filter '" + filter + "': use name = 'x'");
            }
            names = registry.search(likeLiteral(m.group(3)), null, 1).stream()
                    .map(ModelSummary::name)
                    .toList();
        }
        List<MlflowParams.OrderBy> order = MlflowParams.orderBy(params.orderBy, VERSION_ORDER);
        int offset = MlflowParams.offset(params.pageToken);
        List<VersionView> all = new ArrayList<>();
        names.forEach(n -> all.addAll(registry.versions(n)));
        all.sort(versionOrder(order));
        return MlflowParams.page("model_versions", all, offset, limit, shapes::modelVersion);
    }

    /** The order of {@code order_by}, then name and version ascending (the order without {@code order_by}). */
    private static Comparator<VersionView> versionOrder(List<MlflowParams.OrderBy> order) {
        Comparator<VersionView> c = (a, b) -> 0;
        for (MlflowParams.OrderBy o : order) {
            Comparator<VersionView> key = switch (o.key()) {
                case "name" -> Comparator.comparing(VersionView::modelName);
                case "version_number" -> Comparator.comparingInt(VersionView::version);
                case "creation_timestamp" -> Comparator.comparing(VersionView::createdAt);
                default -> Comparator.comparing(VersionView::updatedAt); // last_updated_timestamp, timestamp
            };
            c = c.thenComparing(o.ascending() ? key : key.reversed());
        }
        return c.thenComparing(VersionView::modelName).thenComparingInt(VersionView::version);
    }
}
