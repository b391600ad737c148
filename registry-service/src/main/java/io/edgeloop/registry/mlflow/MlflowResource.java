package io.edgeloop.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.config.RegistryConfig;
import io.edgeloop.registry.domain.ModelDetail;
import io.edgeloop.registry.domain.ModelRegistry;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * MLflow 2.x model-registry REST API subset under {@code /api/2.0/mlflow/}: registered-models create/get/search and
 * alias set/delete/get, model-versions create/get/search/get-download-uri. Shapes follow MLflow's protobuf JSON
 * (snake_case, versions as strings, timestamps in epoch milliseconds, {@code current_stage "None"}, {@code status
 * "READY"}); errors are {@code {"error_code","message"}} with 404 RESOURCE_DOES_NOT_EXIST, 400
 * INVALID_PARAMETER_VALUE or 400 RESOURCE_ALREADY_EXISTS. A model version's {@code source} is an artifact stored
 * in the registry, named by its digest ({@code sha256:<hex>}, {@code <hex>} or any URI ending in the hex digest);
 * responses give it as the artifact's download URL, and its {@code user_id} is who registered it.
 *
 * <p>Roles: reads (including the POST forms of search) {@code viewer}; creating registered models and model versions
 * {@code ml}; setting and deleting aliases {@code release}. Alias moves are recorded with the caller's subject as
 * actor.
 */
@Path("/api/2.0/mlflow")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class MlflowResource {
    private static final Pattern SOURCE_DIGEST = Pattern.compile("([0-9a-f]{64})/?$");
    private static final Pattern NAME_FILTER =
            Pattern.compile("\\s*name\\s*(=|LIKE|ILIKE)\\s*(['\"])(.*)\\2\\s*", Pattern.CASE_INSENSITIVE);
    private static final int DEFAULT_MAX_RESULTS = 100;
    private static final int MAX_RESULTS = 1000;

    @Inject
    ModelRegistry registry;

    @Inject
    RegistryConfig config;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost")
    String httpHost;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

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
        if (!registry.createModel(name, tags)) {
            throw new MlflowException(
                    400,
                    MlflowException.RESOURCE_ALREADY_EXISTS,
                    "Registered Model (name=" + name + ") already exists.");
        }
        return Map.of("registered_model", registeredModel(registry.model(name)));
    }

    /** {@code ?name=} -> {@code {"registered_model": ...}}. */
    @GET
    @Path("registered-models/get")
    public Map<String, Object> getModel(@QueryParam("name") String name) {
        return Map.of("registered_model", registeredModel(registry.model(required("name", name))));
    }

    /** {@code ?filter=name LIKE '...'&max_results=&page_token=} -> {@code {"registered_models": [...]}}. */
    @GET
    @Path("registered-models/search")
    public Map<String, Object> searchModels(@BeanParam SearchParams params) {
        return searchModelsImpl(params);
    }

    /** POST form of search: {@code {filter, max_results, page_token}}. */
    @POST
    @Path("registered-models/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> searchModelsPost(JsonNode body) {
        return searchModelsImpl(SearchParams.of(body));
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
                modelVersion(registry.versionByAlias(required("name", name), required("alias", alias))));
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
        return Map.of("model_version", modelVersion(registry.register(request.build(), Caller.subject(identity))));
    }

    /** {@code ?name=&version=} -> {@code {"model_version": ...}}. */
    @GET
    @Path("model-versions/get")
    public Map<String, Object> getVersion(@QueryParam("name") String name, @QueryParam("version") String version) {
        return Map.of(
                "model_version",
                modelVersion(registry.version(required("name", name), parseVersion(required("version", version)))));
    }

    /** {@code ?filter=name='x'&max_results=&page_token=} -> {@code {"model_versions": [...]}}. */
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
        return Map.of("artifact_uri", artifactUrl(v.artifactSha256()));
    }

    // --- errors in MLflow's shape (these mappers apply to this resource only)

    @ServerExceptionMapper
    public Response mlflow(MlflowException e) {
        return error(e.status(), e.errorCode(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> error(404, MlflowException.RESOURCE_DOES_NOT_EXIST, e.getMessage());
            case INVALID, FAILED_PRECONDITION -> error(400, MlflowException.INVALID_PARAMETER_VALUE, e.getMessage());
        };
    }

    private static Response error(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }

    // --- internals

    /** A search's {@code filter}, {@code max_results} and {@code page_token}: query parameters, or a POST body. */
    public static final class SearchParams {
        @QueryParam("filter")
        String filter;

        @QueryParam("max_results")
        String maxResults;

        @QueryParam("page_token")
        String pageToken;

        static SearchParams of(JsonNode body) {
            SearchParams p = new SearchParams();
            p.filter = optionalText(body, "filter");
            p.maxResults = optionalText(body, "max_results");
            p.pageToken = optionalText(body, "page_token");
            return p;
        }
    }

    private Map<String, Object> searchModelsImpl(SearchParams params) {
        int limit = maxResults(params.maxResults);
        String filter = params.filter;
        String pageToken = params.pageToken;
        String pattern = null;
        if (filter != null && !filter.isBlank()) {
            Matcher m = NAME_FILTER.matcher(filter);
            if (!m.matches()) {
                throw MlflowException.invalid(
                        "unsupported filter '" + filter + "': use name = 'x', name LIKE 'x%' or name ILIKE 'x%'");
            }
            pattern = m.group(1).equals("=") ? likeLiteral(m.group(3)) : m.group(3);
        }
        String after = pageToken == null || pageToken.isBlank() ? null : decodeToken(pageToken);
        List<ModelSummary> page = registry.search(pattern, after, limit + 1);
        List<Object> models = new ArrayList<>();
        for (ModelSummary s : page.subList(0, Math.min(limit, page.size()))) {
            models.add(registeredModel(registry.model(s.name())));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("registered_models", models);
        if (page.size() > limit) {
            result.put("next_page_token", encodeToken(page.get(limit - 1).name()));
        }
        return result;
    }

    private Map<String, Object> searchVersionsImpl(SearchParams params) {
        int limit = maxResults(params.maxResults);
        String filter = params.filter;
        String pageToken = params.pageToken;
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
        int offset = 0;
        if (pageToken != null && !pageToken.isBlank()) {
            try {
                offset = Integer.parseInt(decodeToken(pageToken));
            } catch (NumberFormatException e) {
                throw MlflowException.invalid("invalid page_token");
            }
        }
        List<Object> versions = new ArrayList<>();
        int seen = 0;
        boolean more = false;
        outer:
        for (String name : names) {
            for (VersionView v : registry.versions(name)) {
                if (seen++ < offset) {
                    continue;
                }
                if (versions.size() == limit) {
                    more = true;
                    break outer;
                }
                versions.add(modelVersion(v));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model_versions", versions);
        if (more) {
            result.put("next_page_token", encodeToken(Integer.toString(offset + limit)));
        }
        return result;
    }

    private Map<String, Object> registeredModel(ModelDetail d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("creation_timestamp", d.createdAt().toEpochMilli());
        m.put("last_updated_timestamp", d.updatedAt().toEpochMilli());
        m.put("latest_versions", d.latest() == null ? List.of() : List.of(modelVersion(d.latest())));
        List<Object> aliases = new ArrayList<>();
        d.aliases().forEach((alias, version) -> aliases.add(Map.of("alias", alias, "version", version.toString())));
        m.put("aliases", aliases);
        m.put("tags", tagList(d.tags()));
        return m;
    }

    private Map<String, Object> modelVersion(VersionView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.modelName());
        m.put("version", Integer.toString(v.version()));
        m.put("creation_timestamp", v.createdAt().toEpochMilli());
        m.put("last_updated_timestamp", v.createdAt().toEpochMilli());
        m.put("current_stage", "None");
        m.put("description", "");
        m.put("source", artifactUrl(v.artifactSha256()));
        m.put("run_id", v.lineage().trainingRunId() == null ? "" : v.lineage().trainingRunId());
        m.put("user_id", v.registeredBy() == null ? "" : v.registeredBy());
        m.put("status", "READY");
        m.put("aliases", v.aliases());
        m.put("tags", tagList(v.tags()));
        return m;
    }

    private static List<Object> tagList(Map<String, String> tags) {
        List<Object> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Map.of("key", k, "value", v)));
        return list;
    }

    private String artifactUrl(String sha256) {
        String base = config.mlflow()
                .publicBaseUrl()
                .filter(s -> !s.isBlank())
                .orElseGet(() -> "http://" + (httpHost.equals("0.0.0.0") ? "localhost" : httpHost) + ":" + httpPort);
        return base.replaceAll("/+$", "") + "/artifacts/" + sha256;
    }

    private static int maxResults(String maxResults) {
        if (maxResults == null || maxResults.isBlank()) {
            return DEFAULT_MAX_RESULTS;
        }
        try {
            int n = Integer.parseInt(maxResults.trim());
            if (n >= 1 && n <= MAX_RESULTS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MlflowException.invalid("max_results must be between 1 and " + MAX_RESULTS + ", got " + maxResults);
    }

    private static int parseVersion(String version) {
        try {
            int v = Integer.parseInt(version.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MlflowException.invalid("version must be a positive integer, got '" + version + "'");
    }

    private static String likeLiteral(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String encodeToken(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw MlflowException.invalid("invalid page_token");
        }
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw MlflowException.invalid("Missing value for required parameter '" + field + "'.");
        }
        return value;
    }

    private static String requiredText(JsonNode body, String field) {
        return required(field, optionalText(body, field));
    }

    private static String optionalText(JsonNode body, String field) {
        if (body == null || !body.hasNonNull(field)) {
            return null;
        }
        JsonNode node = body.get(field);
        if (!node.isValueNode()) {
            throw MlflowException.invalid("'" + field + "' must be a string");
        }
        return node.asText();
    }

    private static Map<String, String> tags(JsonNode body) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (body == null || !body.hasNonNull("tags")) {
            return tags;
        }
        JsonNode list = body.get("tags");
        if (!list.isArray()) {
            throw MlflowException.invalid("'tags' must be a list of {key, value}");
        }
        for (JsonNode t : list) {
            String key = optionalText(t, "key");
            if (key == null || key.isBlank()) {
                throw MlflowException.invalid("every tag needs a key");
            }
            String value = optionalText(t, "value");
            tags.put(key, value == null ? "" : value);
        }
        return tags;
    }
}
