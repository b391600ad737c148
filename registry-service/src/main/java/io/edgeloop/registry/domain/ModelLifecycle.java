package io.edgeloop.registry.domain;

import io.edgeloop.registry.persistence.AliasEntity;
import io.edgeloop.registry.persistence.HistoryEntity;
import io.edgeloop.registry.persistence.ModelEntity;
import io.edgeloop.registry.persistence.ModelVariantEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Changes of a model as a whole: its description and its versions' descriptions, a rename, and its deletion with
 * every version. Each runs under the model's row lock (the lock {@link ModelRegistry} takes to register versions and
 * move aliases) and is recorded in the model's append-only {@link History} with the caller as actor.
 *
 * <p>A <b>rename</b> is allowed only while the model has never had a version: deployment-service, devices,
 * monitoring, data set lineage, training runs and events refer to a model's versions by the model's name (and variant
 * ids embed it, {@code <model>-v<n>-<target>}); none of them would follow a rename, so renaming a model with versions
 * would break them. A <b>deletion</b> is refused while a version is in use: an alias points at it (the rule of
 * version deletion) or its latest deployment report says it is being rolled out or runs on devices.
 */
@ApplicationScoped
public class ModelLifecycle {
    /** Longest description (as MLflow's own store). */
    public static final int MAX_DESCRIPTION = 5000;

    private static final int MAX_REASON = 1000;
    private static final Logger LOG = Logger.getLogger(ModelLifecycle.class);

    @Inject
    ModelRegistry registry;

    @Inject
    History history;

    @Inject
    EntityManager em;

    /**
     * Sets (blank: clears) the description of a model; a change is recorded as {@code description-updated}, version
     * 0. Setting the description it has changes and records nothing.
     *
     * @throws RegistryException INVALID for a description over {@value #MAX_DESCRIPTION} characters, NOT_FOUND for an
     *     unknown model
     */
    @Transactional
    public ModelDetail describeModel(String modelName, String description, String actor) {
        String text = checkDescription(description);
        ModelEntity model = lock(modelName);
        if (!Objects.equals(model.description, text)) {
            model.description = text;
            model.updatedAt = now();
            history.descriptionUpdated(modelName, 0, text, ModelRegistry.truncate(actor));
            em.flush();
        }
        return registry.model(modelName);
    }

    /**
     * Sets (blank: clears) the description of a version; a change is recorded as {@code description-updated} with
     * the version's number.
     *
     * @throws RegistryException INVALID for a too long description, NOT_FOUND for an unknown model or version
     */
    @Transactional
    public VersionView describeVersion(String modelName, int version, String description, String actor) {
        String text = checkDescription(description);
        lock(modelName);
        ModelVersionEntity v = ModelVersionEntity.<ModelVersionEntity>find(
                        "modelName = ?1 and version = ?2", modelName, version)
                .firstResultOptional()
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
        if (!Objects.equals(v.description, text)) {
            v.description = text;
            history.descriptionUpdated(modelName, version, text, ModelRegistry.truncate(actor));
            em.flush();
        }
        return ModelRegistry.toView(v);
    }

    /**
     * Renames a model that never had a version, with its tags and description; records {@code model-renamed} under
     * both names (the old name's history stays where it was: the history is append-only). Renaming to the same name
     * changes nothing.
     *
     * @throws RegistryException INVALID for a malformed new name, NOT_FOUND for an unknown model
     * @throws ModelStateException NAME_TAKEN when a model of the new name exists, HAS_VERSIONS when the model has or
     *     had versions
     */
    @Transactional
    public ModelDetail rename(String modelName, String newName, String actor) {
        if (newName == null || !ModelRegistry.MODEL_NAME.matcher(newName).matches()) {
            throw RegistryException.invalid(
                    List.of("new_name: must be 1-128 of [A-Za-z0-9._-] starting with a letter or digit, got '" + newName
                            + "'"));
        }
        ModelEntity model = lock(modelName);
        if (modelName.equals(newName)) {
            return registry.model(modelName);
        }
        if (model.latestVersion > 0) {
            throw new ModelStateException(
                    ModelStateException.Reason.HAS_VERSIONS,
                    "Registered Model (name=" + modelName + ") has versions (up to " + model.latestVersion
                            + "), so it cannot be renamed: deployments, devices, monitoring, data set lineage,"
                            + " training runs and events refer to its versions by the name '" + modelName
                            + "' and would not follow. Create '" + newName + "' and register the versions you need"
                            + " there (model-versions/create with the same source), then delete '" + modelName
                            + "' once nothing uses it. A model without versions can be renamed.");
        }
        Instant now = now();
        int inserted = em.createNativeQuery("insert into registry_model (name, latest_version, created_at, updated_at)"
                        + " values (?1, 0, ?2, ?3) on conflict (name) do nothing")
                .setParameter(1, newName)
                .setParameter(2, model.createdAt)
                .setParameter(3, now)
                .executeUpdate();
        if (inserted == 0) {
            throw new ModelStateException(
                    ModelStateException.Reason.NAME_TAKEN, "Registered Model (name=" + newName + ") already exists.");
        }
        ModelEntity renamed = em.find(ModelEntity.class, newName);
        renamed.description = model.description;
        renamed.tags.putAll(model.tags);
        model.tags.clear();
        em.flush();
        em.remove(model);
        String subject = ModelRegistry.truncate(actor);
        history.modelChanged(
                History.MODEL_RENAMED, modelName, 0, subject, "renamed from " + modelName + " to " + newName);
        history.modelChanged(
                History.MODEL_RENAMED, newName, 0, subject, "renamed from " + modelName + " to " + newName);
        em.flush();
        return registry.model(newName);
    }

    /**
     * Deletes a model with all its versions, their variants and tags, records {@code model-deleted} (version = its
     * highest version number, reason naming the versions deleted), then, after that committed, deletes the blobs that
     * no other version or variant references (as version deletion does). A blob that cannot be deleted then is
     * logged and left to the orphan GC, which collects unreferenced blobs.
     *
     * @return digests of the blobs that were deleted
     * @throws RegistryException NOT_FOUND for an unknown model
     * @throws ModelStateException IN_USE while an alias points at a version or a version is being rolled out or runs
     *     on devices (the message names each)
     */
    public Set<String> delete(String modelName, String actor, String reason) {
        Set<String> candidates = QuarkusTransaction.requiringNew().call(() -> deleteRows(modelName, actor, reason));
        Set<String> deleted = new LinkedHashSet<>();
        for (String sha : candidates) {
            try {
                if (QuarkusTransaction.requiringNew().call(() -> registry.collect(sha, null)) != null) {
                    deleted.add(sha);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "deleting model %s: cannot collect artifact %s now, the orphan GC will", modelName, sha);
            }
        }
        return deleted;
    }

    /**
     * Why the versions of a model are in use, one line per version ({@code "version 2 is aliased as [production]"},
     * {@code "version 3 is being rolled out (rollout r1, wave 1 of 3)"}); empty when none is.
     */
    @Transactional
    public List<String> inUse(String modelName) {
        Map<Integer, List<String>> aliases = new TreeMap<>();
        AliasEntity.<AliasEntity>list("modelName = ?1 order by alias", modelName)
                .forEach(a -> aliases.computeIfAbsent(a.version, k -> new ArrayList<>())
                        .add(a.alias));
        List<String> reasons = new ArrayList<>();
        aliases.forEach((version, names) -> reasons.add("version " + version + " is aliased as " + names));
        Set<Integer> existing = new LinkedHashSet<>(
                em.createQuery("select v.version from ModelVersionEntity v where v.modelName = :m", Integer.class)
                        .setParameter("m", modelName)
                        .getResultList());
        List<HistoryEntity> latestDeployments = em.createQuery(
                        "select h from HistoryEntity h where h.id in (select max(h2.id) from HistoryEntity h2"
                                + " where h2.modelName = :m and h2.kind = :kind group by h2.version) order by h.version",
                        HistoryEntity.class)
                .setParameter("m", modelName)
                .setParameter("kind", History.DEPLOYED)
                .getResultList();
        for (HistoryEntity d : latestDeployments) {
            if (existing.contains(d.version)) {
                deployment(d).ifPresent(reasons::add);
            }
        }
        return reasons;
    }

    // --- internals

    private Set<String> deleteRows(String modelName, String actor, String reason) {
        ModelEntity model = lock(modelName);
        List<String> inUse = inUse(modelName);
        if (!inUse.isEmpty()) {
            throw new ModelStateException(
                    ModelStateException.Reason.IN_USE,
                    "Registered Model (name=" + modelName + ") is in use and was not deleted: "
                            + String.join("; ", inUse) + ". Move or delete its aliases and retire its deployments"
                            + " (roll them back or deploy another model) first.");
        }
        List<ModelVersionEntity> versions = ModelVersionEntity.list("modelName = ?1 order by version", modelName);
        Set<String> shas = new LinkedHashSet<>();
        List<Integer> numbers = new ArrayList<>();
        for (ModelVersionEntity v : versions) {
            shas.add(v.artifactSha256);
            for (ModelVariantEntity variant : List.copyOf(v.variants)) {
                shas.add(variant.artifactSha256);
                variant.delete();
            }
            numbers.add(v.version);
            v.delete();
        }
        String why = (reason == null || reason.isBlank() ? "deleted" : reason)
                + (numbers.isEmpty() ? " (no versions)" : " (versions " + numbers + ")");
        history.modelChanged(
                History.MODEL_DELETED,
                modelName,
                model.latestVersion,
                ModelRegistry.truncate(actor),
                why.length() <= MAX_REASON ? why : why.substring(0, MAX_REASON - 3) + "...");
        model.tags.clear();
        em.flush();
        em.remove(model);
        return shas;
    }

    private static Optional<String> deployment(HistoryEntity d) {
        String phase = d.phase == null ? "" : d.phase;
        if (phase.equals("rolled-back") || phase.equals("rejected")) {
            return Optional.empty();
        }
        String rollout = d.rolloutId != null ? "rollout " + d.rolloutId : "deployment " + d.deploymentId;
        if (phase.equals("wave")) {
            return Optional.of("version " + d.version + " is being rolled out (" + rollout + ", wave " + d.wave + " of "
                    + d.wavesTotal + ", " + d.devicesActive + " device(s) active)");
        }
        if (d.devicesActive > 0) {
            return Optional.of("version " + d.version + " runs on " + d.devicesActive + " device(s) (" + rollout
                    + ", last report: " + (phase.isEmpty() ? "deployed" : phase) + ")");
        }
        return Optional.empty();
    }

    /** Locks the model's row; INVALID for a name no model can have (never sent to the database), else NOT_FOUND. */
    private ModelEntity lock(String modelName) {
        if (modelName == null || !ModelRegistry.MODEL_NAME.matcher(modelName).matches()) {
            String shown =
                    modelName == null || modelName.length() <= 64 ? modelName : modelName.substring(0, 64) + "...";
            throw RegistryException.invalid(List.of(
                    "name: must be 1-128 of [A-Za-z0-9._-] starting with a letter or digit, got '" + shown + "'"));
        }
        ModelEntity model = registry.lockModel(modelName, false);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        return model;
    }

    private static String checkDescription(String description) {
        if (description == null || description.isBlank()) {
            return null;
        }
        if (description.indexOf('\u0000') >= 0) {
            throw RegistryException.invalid(List.of("description: must not contain NUL characters"));
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw RegistryException.invalid(
                    List.of("description: at most " + MAX_DESCRIPTION + " characters, got " + description.length()));
        }
        return description;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
