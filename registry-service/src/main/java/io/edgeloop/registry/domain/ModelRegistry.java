package io.edgeloop.registry.domain;

import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.persistence.AliasEntity;
import io.edgeloop.registry.persistence.LineageEmbeddable;
import io.edgeloop.registry.persistence.ModelEntity;
import io.edgeloop.registry.persistence.ModelVariantEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import io.edgeloop.registry.signing.ArtifactSigner;
import io.edgeloop.registry.storage.ArtifactStore;
import io.edgeloop.registry.storage.StoredBlob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Registers model versions and variants and answers queries about them. Version numbers are assigned 1, 2, ... per
 * model under a row lock on the model, so concurrent registrations never collide; registrations carrying an
 * idempotency key, and variants (per model, version and target), are idempotent. Aliases move, and versions are
 * deleted, under the same lock, each together with its history entry, so every move is atomic and recorded.
 * Deleting a version garbage-collects the blobs that no version or variant references any more; a PostgreSQL
 * advisory lock per digest (shared while registering, exclusive while collecting) keeps a registration from
 * referencing a blob that is being deleted. Blobs that were uploaded but never registered (a trainer that crashed
 * between upload and register, a rejected variant) are collected by {@link #collectOrphans} once their last upload is
 * old enough, through the same locked check.
 */
@ApplicationScoped
public class ModelRegistry {
    /** Model names: used in URLs and variant ids. */
    public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Aliases: a letter, then letters, digits, {@code _} or {@code -}; not {@code latest}, not {@code v<n>}. */
    public static final Pattern ALIAS = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private static final int MAX_SUBJECT = 200;
    /** Old blobs whose references one query checks during an orphan sweep. */
    private static final int ORPHAN_BATCH = 500;

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    @Inject
    ArtifactStore store;

    @Inject
    EntityManager em;

    @Inject
    ArtifactSigner signer;

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
                return toView(earlier.get());
            }
        }
        long size = referenceArtifact(request.getArtifactSha256());
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
        version.persist();

        model.latestVersion = version.version;
        model.updatedAt = now;
        return toView(version);
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
            return toView(existing.get());
        }
        long size = referenceArtifact(request.getArtifactSha256());

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
        return toView(variant);
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
                    .map(ModelRegistry::toView)
                    .orElseThrow(() -> RegistryException.notFound("model " + modelName + " has no versions"));
        }
        return findVersion(modelName, version)
                .map(ModelRegistry::toView)
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
            return toView(target);
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
        return toView(target);
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
        return toView(v);
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
        return toView(v);
    }

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
     * Deletes a version and its variants, records the deletion, then garbage-collects the blobs that neither
     * another version nor a variant references (each in its own transaction, after the deletion committed).
     *
     * @return digests of the blobs that were deleted
     * @throws RegistryException NOT_FOUND for an unknown model or version, FAILED_PRECONDITION when an alias points
     *     at the version (move or delete the alias first)
     */
    public Set<String> deleteVersion(String modelName, int version, String actor, String reason) {
        List<String> errors = new ArrayList<>();
        RegistryRequests.checkLength("reason", nullToEmpty(reason), 1000, errors);
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        Set<String> candidates = QuarkusTransaction.requiringNew().call(() -> {
            ModelEntity model = lockModel(modelName, false);
            if (model == null) {
                throw RegistryException.notFound("no model " + modelName);
            }
            ModelVersionEntity v = findVersion(modelName, version)
                    .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
            List<AliasEntity> pointing = AliasEntity.list("modelName = ?1 and version = ?2", modelName, version);
            if (!pointing.isEmpty()) {
                throw RegistryException.failedPrecondition("version " + version + " of model " + modelName
                        + " is aliased as "
                        + pointing.stream().map(a -> a.alias).sorted().toList()
                        + "; move or delete the alias first");
            }
            Set<String> shas = new LinkedHashSet<>();
            shas.add(v.artifactSha256);
            for (ModelVariantEntity variant : List.copyOf(v.variants)) {
                shas.add(variant.artifactSha256);
                variant.delete();
            }
            v.delete();
            history.versionDeleted(modelName, version, truncate(actor), blankToNull(reason));
            model.updatedAt = now();
            return shas;
        });
        Set<String> deleted = new LinkedHashSet<>();
        for (String sha : candidates) {
            if (QuarkusTransaction.requiringNew().call(() -> collect(sha, null)) != null) {
                deleted.add(sha);
            }
        }
        return deleted;
    }

    /**
     * Deletes every blob that no version or variant references and that was last uploaded more than {@code minAge}
     * ago: uploads that were never registered. Walks the store once (constant memory), checks the references of old
     * blobs in batches, and deletes each orphan in its own transaction holding the blob's exclusive advisory lock,
     * where references and the last upload time are checked again (a concurrent registration or re-upload keeps the
     * blob), and forgets its signature. A blob that cannot be deleted is logged and kept; the sweep goes on.
     *
     * @param minAge blobs uploaded more recently are kept (a client between upload and registration)
     * @throws IllegalArgumentException when {@code minAge} is negative
     * @throws UncheckedIOException when the store cannot be listed
     */
    public OrphanSweep collectOrphans(Duration minAge) {
        if (minAge.isNegative()) {
            throw new IllegalArgumentException("minAge must not be negative, got " + minAge);
        }
        Instant cutoff = Instant.now().minus(minAge);
        List<OrphanSweep.Deleted> deleted = new ArrayList<>();
        long seen = 0;
        try (Stream<StoredBlob> blobs = store.list()) {
            Iterator<StoredBlob> it = blobs.iterator();
            List<String> old = new ArrayList<>(ORPHAN_BATCH);
            while (it.hasNext() && !Thread.currentThread().isInterrupted()) {
                StoredBlob blob = it.next();
                seen++;
                if (blob.lastUploadedAt().isBefore(cutoff)) {
                    old.add(blob.sha256());
                }
                if (old.size() == ORPHAN_BATCH || (!it.hasNext() && !old.isEmpty())) {
                    collectUnreferenced(old, cutoff, deleted);
                    old.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the artifact store", e);
        }
        long freed = deleted.stream().mapToLong(OrphanSweep.Deleted::sizeBytes).sum();
        OrphanSweep sweep = new OrphanSweep(deleted, freed, seen - deleted.size());
        if (deleted.isEmpty()) {
            LOG.debugf("orphan GC: nothing to delete, %d blobs kept", sweep.kept());
        } else {
            LOG.infof(
                    "orphan GC: deleted %d blob(s) never registered (%d bytes freed, uploaded before %s): %s;"
                            + " %d blobs kept",
                    deleted.size(),
                    freed,
                    cutoff,
                    deleted.stream().map(OrphanSweep.Deleted::sha256).toList(),
                    sweep.kept());
        }
        return sweep;
    }

    /** Collects those of {@code shas} that nothing references (one query for the batch, then one lock each). */
    private void collectUnreferenced(List<String> shas, Instant cutoff, List<OrphanSweep.Deleted> deleted) {
        Set<String> referenced = QuarkusTransaction.requiringNew().call(() -> {
            Set<String> refs = new HashSet<>(em.createQuery(
                            "select distinct v.artifactSha256 from ModelVersionEntity v"
                                    + " where v.artifactSha256 in :shas",
                            String.class)
                    .setParameter("shas", shas)
                    .getResultList());
            refs.addAll(em.createQuery(
                            "select distinct v.artifactSha256 from ModelVariantEntity v"
                                    + " where v.artifactSha256 in :shas",
                            String.class)
                    .setParameter("shas", shas)
                    .getResultList());
            return refs;
        });
        for (String sha : shas) {
            if (referenced.contains(sha)) {
                continue;
            }
            try {
                StoredBlob blob = QuarkusTransaction.requiringNew().call(() -> collect(sha, cutoff));
                if (blob != null) {
                    deleted.add(new OrphanSweep.Deleted(sha, blob.sizeBytes()));
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "orphan GC: cannot collect artifact %s, keeping it", sha);
            }
        }
    }

    /**
     * Deletes a blob when no version or variant references it and, when {@code uploadedBefore} is set, its last
     * upload was before then; forgets its signature. Runs in the caller's transaction, under the blob's exclusive
     * advisory lock.
     *
     * @return the deleted blob, null when it was kept (or was not stored)
     */
    StoredBlob collect(String sha256, Instant uploadedBefore) {
        advisoryLock(sha256, false);
        long refs =
                ModelVersionEntity.count("artifactSha256", sha256) + ModelVariantEntity.count("artifactSha256", sha256);
        if (refs > 0) {
            return null;
        }
        try {
            StoredBlob blob = store.describe(sha256).orElse(null);
            if (blob != null && uploadedBefore != null && !blob.lastUploadedAt().isBefore(uploadedBefore)) {
                return null; // uploaded again since the sweep looked: its client is about to register it
            }
            signer.forget(sha256);
            return blob != null && store.delete(sha256) ? blob : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete artifact " + sha256, e);
        }
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
                latestExisting(modelName).map(ModelRegistry::toView).orElse(null);
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
        return versions.stream().map(ModelRegistry::toView).toList();
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

    private static Optional<ModelVersionEntity> findVersion(String modelName, int version) {
        return ModelVersionEntity.find("modelName = ?1 and version = ?2", modelName, version)
                .firstResultOptional();
    }

    private static Optional<ModelVersionEntity> latestExisting(String modelName) {
        return ModelVersionEntity.find("modelName = ?1 order by version desc", modelName)
                .firstResultOptional();
    }

    /**
     * Takes the shared lock on a blob (so garbage collection cannot delete it before this transaction commits),
     * checks it is stored, signs it when it was not yet (registration is what gets content signed), and returns its
     * size.
     */
    private long referenceArtifact(String sha256) {
        advisoryLock(sha256, true);
        long size = artifactSize(sha256);
        signer.sign(sha256);
        return size;
    }

    /** Transaction-scoped PostgreSQL advisory lock keyed by the digest's first 64 bits. */
    private void advisoryLock(String sha256, boolean shared) {
        long key = Long.parseUnsignedLong(sha256.substring(0, 16), 16);
        em.createNativeQuery(shared ? "select pg_advisory_xact_lock_shared(?1)" : "select pg_advisory_xact_lock(?1)")
                .setParameter(1, key)
                .getSingleResult();
    }

    private long artifactSize(String sha256) {
        OptionalLong size;
        try {
            size = store.size(sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifact store", e);
        }
        if (size.isEmpty()) {
            throw RegistryException.failedPrecondition("artifact " + sha256
                    + " has not been uploaded (or, never registered, was garbage-collected);"
                    + " upload it (again) with ArtifactService.Upload first");
        }
        return size.getAsLong();
    }

    private static Instant now() {
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

    static VersionView toView(ModelVersionEntity v) {
        LineageEmbeddable l = v.lineage == null ? new LineageEmbeddable() : v.lineage;
        return new VersionView(
                v.modelName,
                v.version,
                v.artifactSha256,
                v.sizeBytes,
                v.architecture,
                v.featureCount,
                List.copyOf(v.classLabels),
                Collections.unmodifiableMap(new TreeMap<>(v.metrics)),
                new LineageView(
                        l.datasetName,
                        l.datasetVersion,
                        l.snapshotId,
                        l.trainingRunId,
                        l.parentVersion,
                        l.correlationId),
                v.variants.stream().map(ModelRegistry::toView).toList(),
                v.createdAt,
                v.registeredBy,
                AliasEntity.<AliasEntity>list("modelName = ?1 and version = ?2 order by alias", v.modelName, v.version)
                        .stream()
                        .map(a -> a.alias)
                        .toList(),
                Collections.unmodifiableMap(new TreeMap<>(v.tags)),
                v.description);
    }

    static VariantView toView(ModelVariantEntity v) {
        return new VariantView(
                v.variantId,
                v.modelVersion.modelName,
                v.modelVersion.version,
                v.target,
                v.format,
                v.artifactSha256,
                v.sizeBytes,
                Collections.unmodifiableMap(new TreeMap<>(v.metrics)),
                Collections.unmodifiableMap(new TreeMap<>(v.settings)),
                v.createdAt,
                v.registeredBy);
    }
}
