package io.edgeloop.registry.domain;

import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.persistence.AliasEntity;
import io.edgeloop.registry.persistence.LineageEmbeddable;
import io.edgeloop.registry.persistence.ModelEntity;
import io.edgeloop.registry.persistence.ModelVariantEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Registers model versions and variants, moves aliases, tags versions and answers queries about models and versions.
 * Version numbers are assigned 1, 2, ... per model under a row lock on the model, so concurrent registrations never
 * collide; registrations carrying an idempotency key, and variants (per model, version and target), are idempotent.
 * Aliases move under the same lock, each together with its history entry, so every move is atomic and recorded.
 * A registration references its blob through {@link ArtifactReferences} (a shared advisory lock per digest, so garbage
 * collection cannot delete it meanwhile). Changes of a model as a whole are in {@link ModelLifecycle}, deletions in
 * {@link ModelDeletion}, orphan-blob collection in {@link OrphanSweeper}.
 */
@ApplicationScoped
public class ModelRegistry {
    /** Model names: used in URLs and variant ids. */
    public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Aliases: a letter, then letters, digits, {@code _} or {@code -}; not {@code latest}, not {@code v<n>}. */
    public static final Pattern ALIAS = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private static final int MAX_SUBJECT = 200;

    @Inject
    ArtifactReferences references;

    @Inject
    EntityManager em;

    @Inject
    History history;

    /**
     * Registers the next version of a model, recording who registered it, and signs its artifact (the registry
     * signs only registered content). With an idempotency key that was used before for this model, returns the
     * version registered then instead.
     *
     * @param registeredBy the authenticated subject registering it
     * @throws RegistryException INVALID for bad input, FAILED_PRECONDITION when the artifact has not been uploaded or
     *     the lineage names a parent version that does not exist
     */
    @Transactional
    public VersionView register(RegisterVersionRequest request, String registeredBy) {
        RegistryRequests.validate(request);
        String name = request.getModelName();
        ModelEntity model = lockModel(name, true);
        String key = blankToNull(request.getIdempotencyKey());
        if (key != null) {
            Optional<ModelVersionEntity> earlier = ModelVersionEntity.find(
                            "modelName = ?1 and idempotencyKey = ?2", name, key)
                    .firstResultOptional();
            if (earlier.isPresent()) {
                return RegistryViews.version(earlier.get());
            }
        }
        long size = references.reference(request.getArtifactSha256());
        Lineage lineage = request.getLineage();
        int parent = lineage.getParentVersion();
        if (parent == 0) {
            parent = model.latestVersion;
        } else if (parent > model.latestVersion) {
            throw RegistryException.failedPrecondition("lineage.parent_version " + parent + " of model " + name
                    + " does not exist (latest is " + model.latestVersion + ")");
        }

        Instant now = now();
        ModelVersionEntity version = new ModelVersionEntity();
        version.modelName = name;
        version.version = model.latestVersion + 1;
        version.artifactSha256 = request.getArtifactSha256();
        version.sizeBytes = size;
        version.architecture = blankToNull(request.getArchitecture());
        version.featureCount = request.getFeatureCount();
        version.classLabels.addAll(request.getClassLabelsList());
        version.metrics.putAll(request.getMetricsMap());
        version.lineage = toEmbeddable(lineage, parent);
        version.tags.putAll(request.getTagsMap());
        version.idempotencyKey = key;
        version.registeredBy = truncate(registeredBy);
        version.createdAt = now;
        version.updatedAt = now;
        version.persist();

        model.latestVersion = version.version;
        model.updatedAt = now;
        return RegistryViews.version(version);
    }

    /**
     * Adds the build of a model version for a target, recording who added it, and signs its artifact. Idempotent
     * per (model, version, target): a repeated call returns the variant added first.
     *
     * @param registeredBy the authenticated subject adding it
     * @throws RegistryException INVALID for bad input, NOT_FOUND for an unknown model or version,
     *     FAILED_PRECONDITION when the artifact has not been uploaded
     */
    @Transactional
    public VariantView addVariant(AddVariantRequest request, String registeredBy) {
        RegistryRequests.validate(request);
        String name = request.getModelName();
        ModelEntity model = lockModel(name, false);
        if (model == null) {
            throw RegistryException.notFound("no model " + name);
        }
        ModelVersionEntity version = findVersion(name, request.getModelVersion())
                .orElseThrow(() ->
                        RegistryException.notFound("no version " + request.getModelVersion() + " of model " + name));
        Optional<ModelVariantEntity> existing = ModelVariantEntity.find(
                        "modelVersion = ?1 and target = ?2", version, request.getTarget())
                .firstResultOptional();
        if (existing.isPresent()) {
            return RegistryViews.variant(existing.get());
        }
        long size = references.reference(request.getArtifactSha256());

        ModelVariantEntity variant = new ModelVariantEntity();
        variant.variantId = variantId(name, version.version, request.getTarget());
        variant.modelVersion = version;
        variant.target = request.getTarget();
        variant.format = request.getFormat();
        variant.artifactSha256 = request.getArtifactSha256();
        variant.sizeBytes = size;
        variant.metrics.putAll(request.getMetricsMap());
        variant.settings.putAll(request.getSettingsMap());
        variant.registeredBy = truncate(registeredBy);
        variant.createdAt = now();
        variant.persist();
        return RegistryViews.variant(variant);
    }

    /** {@code <model>-v<version>-<target>}. */
    public static String variantId(String modelName, int version, String target) {
        return modelName + "-v" + version + "-" + target;
    }

    /**
     * One version of a model, with its variants.
     *
     * @param version 1, 2, ...; 0 for the latest
     * @throws RegistryException NOT_FOUND when the model or version does not exist
     */
    @Transactional
    public VersionView version(String modelName, int version) {
        if (version < 0) {
            throw RegistryException.invalid(List.of("version: must be 0 (latest) or positive, got " + version));
        }
        ModelEntity model = ModelEntity.findById(modelName);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        if (version == 0) {
            return latestExisting(modelName)
                    .map(RegistryViews::version)
                    .orElseThrow(() -> RegistryException.notFound("model " + modelName + " has no versions"));
        }
        return findVersion(modelName, version)
                .map(RegistryViews::version)
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
    }

    /**
     * The version an alias points at.
     *
     * @throws RegistryException INVALID for a malformed alias, NOT_FOUND when the model or alias does not exist
     */
    @Transactional
    public VersionView versionByAlias(String modelName, String alias) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkAlias(alias, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        if (ModelEntity.findById(modelName) == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        AliasEntity a = AliasEntity.findById(new AliasEntity.Key(modelName, alias));
        if (a == null) {
            throw RegistryException.notFound("model " + modelName + " has no alias " + alias);
        }
        return version(modelName, a.version);
    }

    /**
     * Points an alias at a version (creating or moving it) and appends the move to the history, atomically under
     * the model's lock. Setting an alias to where it already points changes and records nothing.
     *
     * @return the version it points at now
     * @param actor who moves it (an authenticated subject or a service's name; recorded, cut to 200 characters)
     * @throws RegistryException INVALID for a bad alias/version/reason, NOT_FOUND for an unknown model or
     *     version
     */
    @Transactional
    public VersionView setAlias(String modelName, String alias, int version, String actor, String reason) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkModelName("model_name", modelName, errors);
        RegistryRequests.checkAlias(alias, errors);
        if (version < 1) {
            errors.add("version: must be positive, got " + version);
        }
        RegistryRequests.checkLength("reason", nullToEmpty(reason), 1000, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        ModelEntity model = lockModel(modelName, false);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        ModelVersionEntity target = findVersion(modelName, version)
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
        AliasEntity a = AliasEntity.findById(new AliasEntity.Key(modelName, alias));
        int previous = a == null ? 0 : a.version;
        if (previous == version) {
            return RegistryViews.version(target);
        }
        Instant now = now();
        if (a == null) {
            a = new AliasEntity();
            a.modelName = modelName;
            a.alias = alias;
            a.version = version;
            a.updatedAt = now;
            a.updatedBy = truncate(actor);
            a.persist();
        } else {
            a.version = version;
            a.updatedAt = now;
            a.updatedBy = truncate(actor);
        }
        history.aliasChanged(
                History.ALIAS_SET, modelName, alias, version, previous, truncate(actor), blankToNull(reason));
        model.updatedAt = now;
        em.flush();
        return RegistryViews.version(target);
    }

    /**
     * Removes an alias and records it.
     *
     * @throws RegistryException NOT_FOUND when the model or alias does not exist
     */
    @Transactional
    public void deleteAlias(String modelName, String alias, String actor, String reason) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkAlias(alias, errors);
        RegistryRequests.checkLength("reason", nullToEmpty(reason), 1000, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        ModelEntity model = lockModel(modelName, false);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        AliasEntity a = AliasEntity.findById(new AliasEntity.Key(modelName, alias));
        if (a == null) {
            throw RegistryException.notFound("model " + modelName + " has no alias " + alias);
        }
        int previous = a.version;
        a.delete();
        history.aliasChanged(
                History.ALIAS_DELETED, modelName, alias, 0, previous, truncate(actor), blankToNull(reason));
        model.updatedAt = now();
    }

    /**
     * The aliases of a model, by alias.
     *
     * @throws RegistryException NOT_FOUND when the model does not exist
     */
    @Transactional
    public List<AliasView> aliases(String modelName) {
        if (ModelEntity.findById(modelName) == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        List<AliasEntity> rows = AliasEntity.list("modelName = ?1 order by alias", modelName);
        return rows.stream()
                .map(a -> new AliasView(a.modelName, a.alias, a.version, a.updatedAt, a.updatedBy))
                .toList();
    }

    /**
     * Sets (adds or replaces) a tag of a version.
     *
     * @throws RegistryException INVALID for a bad key or value, NOT_FOUND for an unknown model or version
     */
    @Transactional
    public VersionView setVersionTag(String modelName, int version, String key, String value) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkTag(key, value, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        ModelVersionEntity v = findVersion(modelName, version)
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
        if (!v.tags.containsKey(key) && v.tags.size() >= RegistryRequests.MAX_TAGS) {
            throw RegistryException.invalid(List.of("tags: at most " + RegistryRequests.MAX_TAGS + " per version"));
        }
        v.tags.put(key, value);
        return RegistryViews.version(v);
    }

    /**
     * Removes a tag of a version.
     *
     * @throws RegistryException NOT_FOUND for an unknown model, version or tag
     */
    @Transactional
    public VersionView deleteVersionTag(String modelName, int version, String key) {
        ModelVersionEntity v = findVersion(modelName, version)
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
        if (v.tags.remove(key) == null) {
            throw RegistryException.notFound("version " + version + " of model " + modelName + " has no tag " + key);
        }
        return RegistryViews.version(v);
    }

    /** Every model with its latest version, by name. */
    @Transactional
    public List<ModelSummary> models() {
        return search(null, null, Integer.MAX_VALUE);
    }

    /**
     * Models by name.
     *
     * @param likePattern SQL LIKE pattern on the name ({@code %} any run, {@code _} one character; case-insensitive),
     *     null for all
     * @param after only names after this one (paging), null from the start
     * @param limit at most this many
     */
    @Transactional
    public List<ModelSummary> search(String likePattern, String after, int limit) {
        StringBuilder jpql = new StringBuilder("select m.name, m.createdAt, m.updatedAt,"
                + " (select max(v.version) from ModelVersionEntity v where v.modelName = m.name)"
                + " from ModelEntity m where 1 = 1");
        if (likePattern != null) {
            jpql.append(" and lower(m.name) like lower(:pattern) escape '\\'");
        }
        if (after != null) {
            jpql.append(" and m.name > :after");
        }
        jpql.append(" order by m.name");
        var query = em.createQuery(jpql.toString(), Object[].class).setMaxResults(limit);
        if (likePattern != null) {
            query.setParameter("pattern", likePattern);
        }
        if (after != null) {
            query.setParameter("after", after);
        }
        return query.getResultList().stream()
                .map(r -> new ModelSummary(
                        (String) r[0], r[3] == null ? 0 : ((Number) r[3]).intValue(), (Instant) r[1], (Instant) r[2]))
                .toList();
    }

    /**
     * A model with its latest version in full.
     *
     * @throws RegistryException NOT_FOUND when it does not exist
     */
    @Transactional
    public ModelDetail model(String modelName) {
        ModelEntity model = ModelEntity.findById(modelName);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        VersionView latest =
                latestExisting(modelName).map(RegistryViews::version).orElse(null);
        Map<String, Integer> aliases = new LinkedHashMap<>();
        aliases(modelName).forEach(a -> aliases.put(a.alias(), a.version()));
        return new ModelDetail(
                model.name,
                latest == null ? 0 : latest.version(),
                model.createdAt,
                model.updatedAt,
                latest,
                Collections.unmodifiableMap(aliases),
                Collections.unmodifiableMap(new TreeMap<>(model.tags)),
                model.description);
    }

    /**
     * All versions of a model, oldest first, with lineage, metrics and variants.
     *
     * @throws RegistryException NOT_FOUND when the model does not exist
     */
    @Transactional
    public List<VersionView> versions(String modelName) {
        if (ModelEntity.findById(modelName) == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        List<ModelVersionEntity> versions = ModelVersionEntity.list("modelName = ?1 order by version", modelName);
        return versions.stream().map(RegistryViews::version).toList();
    }

    // --- internals

    /** Locks the model's row, creating it first when {@code create}; null when it does not exist and not created. */
    ModelEntity lockModel(String name, boolean create) {
        if (create) {
            Instant now = now();
            em.createNativeQuery("insert into registry_model (name, latest_version, created_at, updated_at)"
                            + " values (?1, 0, ?2, ?2) on conflict (name) do nothing")
                    .setParameter(1, name)
                    .setParameter(2, now)
                    .executeUpdate();
        }
        return em.find(ModelEntity.class, name, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Locks the row of an existing model: INVALID for a name no model can have (never sent to the database), else
     * NOT_FOUND when there is none.
     */
    ModelEntity lockExisting(String modelName) {
        if (modelName == null || !MODEL_NAME.matcher(modelName).matches()) {
            String shown =
                    modelName == null || modelName.length() <= 64 ? modelName : modelName.substring(0, 64) + "...";
            throw RegistryException.invalid(List.of(
                    "name: must be 1-128 of [A-Za-z0-9._-] starting with a letter or digit, got '" + shown + "'"));
        }
        ModelEntity model = lockModel(modelName, false);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        return model;
    }

    private static Optional<ModelVersionEntity> findVersion(String modelName, int version) {
        return ModelVersionEntity.find("modelName = ?1 and version = ?2", modelName, version)
                .firstResultOptional();
    }

    private static Optional<ModelVersionEntity> latestExisting(String modelName) {
        return ModelVersionEntity.find("modelName = ?1 order by version desc", modelName)
                .firstResultOptional();
    }

    static Instant now() {
        // PostgreSQL keeps microseconds: truncate so a version reads back exactly as it was returned
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** An authenticated subject as stored (the columns hold {@value #MAX_SUBJECT} characters). */
    static String truncate(String subject) {
        String s = blankToNull(subject);
        return s == null || s.length() <= MAX_SUBJECT ? s : s.substring(0, MAX_SUBJECT);
    }

    private static LineageEmbeddable toEmbeddable(Lineage l, int parentVersion) {
        LineageEmbeddable e = new LineageEmbeddable();
        e.datasetName = blankToNull(l.getDatasetName());
        e.datasetVersion = l.getDatasetVersion();
        e.snapshotId = blankToNull(l.getSnapshotId());
        e.trainingRunId = blankToNull(l.getTrainingRunId());
        e.parentVersion = parentVersion;
        e.correlationId = blankToNull(l.getCorrelationId());
        return e;
    }
}
