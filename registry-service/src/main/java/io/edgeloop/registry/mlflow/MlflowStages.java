package io.edgeloop.registry.mlflow;

import io.edgeloop.registry.domain.ModelRegistry;
import io.edgeloop.registry.domain.VersionView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * MLflow's model stages on EdgeLoop's aliases: a version is in {@code Production} while the alias {@code production}
 * points at it (the alias the registry moves back on a rollback), in {@code Staging} while {@code staging} does, in
 * {@code Archived} while it carries the tag {@value #ARCHIVED_TAG}, else in {@code None}. A transition moves those
 * aliases (recorded in the history with the caller as actor), so MLflow clients and EdgeLoop's own rollouts see the
 * same thing.
 */
@ApplicationScoped
public class MlflowStages {
    /** Tag that marks an archived version. */
    public static final String ARCHIVED_TAG = "mlflow.archived";

    /** The stages, as MLflow spells them. */
    public static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");

    @Inject
    ModelRegistry registry;

    @Inject
    io.edgeloop.registry.domain.ModelLifecycle lifecycle;

    /** The stage of {@code v}. */
    public static String stageOf(VersionView v) {
        if (v.aliases().contains("production")) {
            return "Production";
        }
        if (v.aliases().contains("staging")) {
            return "Staging";
        }
        return "true".equals(v.tags().get(ARCHIVED_TAG)) ? "Archived" : "None";
    }

    /**
     * {@code stage} as MLflow spells it; any case is accepted.
     *
     * @throws MlflowException INVALID_PARAMETER_VALUE for anything else
     */
    public static String parse(String stage) {
        for (String s : STAGES) {
            if (s.equalsIgnoreCase(stage == null ? "" : stage.trim())) {
                return s;
            }
        }
        throw MlflowException.invalid("Invalid Model Version stage: " + stage
                + ". Value must be one of None, Staging, Production, Archived.");
    }

    /**
     * Moves {@code version} to {@code stage}; with {@code archiveExisting}, the version that held a Production or
     * Staging stage before is archived.
     */
    @Transactional
    public VersionView transition(String model, int version, String stage, boolean archiveExisting, String actor) {
        VersionView v = registry.version(model, version);
        String reason = "MLflow transition-stage to " + stage;
        Optional<VersionView> previous = Optional.empty();
        if (stage.equals("Production") || stage.equals("Staging")) {
            String alias = stage.toLowerCase(Locale.ROOT);
            previous = holder(model, alias).filter(p -> p.version() != version);
            registry.setAlias(model, alias, version, actor, reason);
            String other = alias.equals("production") ? "staging" : "production";
            if (v.aliases().contains(other)) {
                registry.deleteAlias(model, other, actor, reason);
            }
        } else {
            for (String alias : List.of("production", "staging")) {
                if (v.aliases().contains(alias)) {
                    registry.deleteAlias(model, alias, actor, reason);
                }
            }
        }
        if (stage.equals("Archived")) {
            registry.setVersionTag(model, version, ARCHIVED_TAG, "true");
        } else if (v.tags().containsKey(ARCHIVED_TAG)) {
            registry.deleteVersionTag(model, version, ARCHIVED_TAG);
        }
        if (archiveExisting && previous.isPresent()) {
            registry.setVersionTag(model, previous.get().version(), ARCHIVED_TAG, "true");
            lifecycle.touchVersion(model, previous.get().version());
        }
        if (!stageOf(v).equals(stage)) {
            lifecycle.touchVersion(model, version); // MLflow moves last_updated_timestamp on a transition
        }
        return registry.version(model, version);
    }

    /**
     * The latest version of {@code model} in each of {@code stages} (every stage when empty), in stage order.
     */
    public List<VersionView> latest(String model, List<String> stages) {
        List<String> wanted = stages == null || stages.isEmpty()
                ? STAGES
                : stages.stream().map(MlflowStages::parse).distinct().toList();
        List<VersionView> versions = new ArrayList<>(registry.versions(model));
        versions.sort(Comparator.comparingInt(VersionView::version).reversed());
        List<VersionView> out = new ArrayList<>();
        for (String stage : STAGES) {
            if (wanted.contains(stage)) {
                versions.stream()
                        .filter(x -> stageOf(x).equals(stage))
                        .findFirst()
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    private Optional<VersionView> holder(String model, String alias) {
        return registry.versions(model).stream()
                .filter(x -> x.aliases().contains(alias))
                .findFirst();
    }
}
