package io.edgeloop.registry.domain;

import io.edgeloop.registry.persistence.ModelEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Changes of a registered model as a whole: its creation without versions, its tags, its description and its
 * versions' descriptions, and a rename. Each runs under the model's row lock (the lock {@link ModelRegistry} takes to
 * register versions and move aliases); a change of a description or a tag moves the model's (or version's) last
 * update time, and descriptions and renames are recorded in the model's append-only {@link History} with the caller
 * as actor (tags are not, as version tags are not). Deleting a model is {@link ModelDeletion}'s.
 *
 * <p>A <b>rename</b> is allowed only while the model has never had a version: deployment-service, devices,
 * monitoring, data set lineage, training runs and events refer to a model's versions by the model's name (and variant
 * ids embed it, {@code <model>-v<n>-<target>}); none of them would follow a rename, so renaming a model with versions
 * would break them.
 */
@ApplicationScoped
public class ModelLifecycle {
    /** Longest description (as MLflow's own store). */
    public static final int MAX_DESCRIPTION = 5000;

    @Inject
    ModelRegistry registry;

    @Inject
    History history;

    @Inject
    EntityManager em;

    /**
     * Creates a model without versions (the MLflow {@code registered-models/create}).
     *
     * @return false when a model of that name exists already (nothing changed)
     * @throws RegistryException INVALID for a bad name or tags
     */
    @Transactional
    public boolean createModel(String modelName, Map<String, String> tags) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkModelName("name", modelName, errors);
        RegistryRequests.checkTags(tags, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        Instant now = now();
        int inserted = em.createNativeQuery("insert into registry_model (name, latest_version, created_at, updated_at)"
                        + " values (?1, 0, ?2, ?2) on conflict (name) do nothing")
                .setParameter(1, modelName)
                .setParameter(2, now)
                .executeUpdate();
        if (inserted == 0) {
            return false;
        }
        ModelEntity model = em.find(ModelEntity.class, modelName);
        em.refresh(model);
        model.tags.putAll(tags);
        return true;
    }

    /**
     * Sets (adds or replaces) a tag of a model (MLflow {@code registered-models/set-tag}); a change moves the model's
     * last update time. Setting the value it has changes nothing.
     *
     * @throws RegistryException INVALID for a malformed name, a blank or too long key, a too long value or a new tag
     *     beyond the 100 a model may have; NOT_FOUND for an unknown model
     */
    @Transactional
    public ModelDetail setModelTag(String modelName, String key, String value) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkTag(key, value, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        ModelEntity model = lock(modelName);
        if (!value.equals(model.tags.get(key))) {
            if (!model.tags.containsKey(key) && model.tags.size() >= RegistryRequests.MAX_TAGS) {
                throw RegistryException.invalid(List.of("tags: at most " + RegistryRequests.MAX_TAGS + " per model"));
            }
            model.tags.put(key, value);
            model.updatedAt = now();
            em.flush();
        }
        return registry.model(modelName);
    }

    /**
     * Removes a tag of a model (MLflow {@code registered-models/delete-tag}) and moves the model's last update time.
     * As in MLflow, removing a tag the model does not have changes nothing and is no error.
     *
     * @throws RegistryException INVALID for a malformed name or a blank key, NOT_FOUND for an unknown model
     */
    @Transactional
    public ModelDetail deleteModelTag(String modelName, String key) {
        if (key == null || key.isBlank()) {
            throw RegistryException.invalid(List.of("key: must not be blank"));
        }
        ModelEntity model = lock(modelName);
        if (model.tags.remove(key) != null) {
            model.updatedAt = now();
            em.flush();
        }
        return registry.model(modelName);
    }

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
            v.updatedAt = now();
            history.descriptionUpdated(modelName, version, text, ModelRegistry.truncate(actor));
            em.flush();
        }
        return RegistryViews.version(v);
    }

    /**
     * Records that {@code version} changed in a way its own row does not hold (an MLflow stage transition moves aliases
     * and tags): its {@code updatedAt} (MLflow's {@code last_updated_timestamp}) becomes now.
     *
     * @throws RegistryException NOT_FOUND for an unknown model or version
     */
    @Transactional
    public void touchVersion(String modelName, int version) {
        ModelVersionEntity v = ModelVersionEntity.<ModelVersionEntity>find(
                        "modelName = ?1 and version = ?2", modelName, version)
                .firstResultOptional()
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
        v.updatedAt = now();
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

    // --- internals

    /** Locks the model's row; INVALID for a name no model can have (never sent to the database), else NOT_FOUND. */
    private ModelEntity lock(String modelName) {
        return registry.lockExisting(modelName);
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
        return ModelRegistry.now();
    }
}
