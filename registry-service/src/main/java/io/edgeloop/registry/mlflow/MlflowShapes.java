package io.edgeloop.registry.mlflow;

import io.edgeloop.registry.config.RegistryConfig;
import io.edgeloop.registry.domain.ModelDetail;
import io.edgeloop.registry.domain.VersionView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The registry's models and versions in MLflow's protobuf JSON shapes ({@code RegisteredModel}, {@code
 * ModelVersion}): snake_case, versions as strings, timestamps in epoch milliseconds, {@code current_stage} from the aliases ({@link MlflowStages}),
 * {@code status "READY"}, {@code source} = the artifact's download URL.
 */
@ApplicationScoped
public class MlflowShapes {
    @Inject
    RegistryConfig config;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost")
    String httpHost;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    /** A {@code RegisteredModel} with its description, latest version, aliases and tags. */
    public Map<String, Object> registeredModel(ModelDetail d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("creation_timestamp", d.createdAt().toEpochMilli());
        m.put("last_updated_timestamp", d.updatedAt().toEpochMilli());
        m.put("description", d.description() == null ? "" : d.description());
        m.put("latest_versions", d.latest() == null ? List.of() : List.of(modelVersion(d.latest())));
        List<Object> aliases = new ArrayList<>();
        d.aliases().forEach((alias, version) -> aliases.add(Map.of("alias", alias, "version", version.toString())));
        m.put("aliases", aliases);
        m.put("tags", tagList(d.tags()));
        return m;
    }

    /** A {@code ModelVersion}. */
    public Map<String, Object> modelVersion(VersionView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.modelName());
        m.put("version", Integer.toString(v.version()));
        m.put("creation_timestamp", v.createdAt().toEpochMilli());
        m.put("last_updated_timestamp", v.updatedAt().toEpochMilli());
        m.put("current_stage", MlflowStages.stageOf(v));
        m.put("description", v.description() == null ? "" : v.description());
        m.put("source", artifactUrl(v.artifactSha256()));
        m.put("run_id", v.lineage().trainingRunId() == null ? "" : v.lineage().trainingRunId());
        m.put("user_id", v.registeredBy() == null ? "" : v.registeredBy());
        m.put("status", "READY");
        m.put("aliases", v.aliases());
        m.put("tags", tagList(v.tags()));
        return m;
    }

    /** {@code [{key, value}]}. */
    public static List<Object> tagList(Map<String, String> tags) {
        List<Object> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Map.of("key", k, "value", v)));
        return list;
    }

    /** The REST download URL of an artifact ({@code mlflow.public-base-url}, else this server's). */
    public String artifactUrl(String sha256) {
        String base = config.mlflow()
                .publicBaseUrl()
                .filter(s -> !s.isBlank())
                .orElseGet(() -> "http://" + (httpHost.equals("0.0.0.0") ? "localhost" : httpHost) + ":" + httpPort);
        return base.replaceAll("/+$", "") + "/artifacts/" + sha256;
    }
}
