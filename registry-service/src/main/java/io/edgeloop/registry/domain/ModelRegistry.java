package io.edgeloop.registry.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.registry.persistence.LineageEmbeddable;
import io.edgeloop.registry.persistence.ModelEntity;
import io.edgeloop.registry.persistence.ModelVariantEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import io.edgeloop.registry.storage.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Registers model versions and variants and answers queries about them. Version numbers are assigned 1, 2, ... per
 * model under a row lock on the model, so concurrent registrations never collide; registrations carrying an
 * idempotency key, and variants (per model, version and target), are idempotent.
 */
@ApplicationScoped
public class ModelRegistry {
    /** Model names: used in URLs and variant ids. */
    public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_TEXT = 200;
    private static final int MAX_SETTING_VALUE = 2000;

    @Inject
    ArtifactStore store;

    @Inject
    EntityManager em;

    /**
     * Registers the next version of a model. With an idempotency key that was used before for this model, returns
     * the version registered then instead.
     *
     * @throws RegistryException INVALID for bad input, FAILED_PRECONDITION when the artifact has not been uploaded or
     *     the lineage names a parent version that does not exist
     */
    @Transactional
    public VersionView register(RegisterVersionRequest request) {
        validate(request);
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
        long size = artifactSize(request.getArtifactSha256());
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
        version.idempotencyKey = key;
        version.createdAt = now;
        version.persist();

        model.latestVersion = version.version;
        model.updatedAt = now;
        return toView(version);
    }

    /**
     * Adds the build of a model version for a target. Idempotent per (model, version, target): a repeated call
     * returns the variant added first.
     *
     * @throws RegistryException INVALID for bad input, NOT_FOUND for an unknown model or version,
     *     FAILED_PRECONDITION when the artifact has not been uploaded
     */
    @Transactional
    public VariantView addVariant(AddVariantRequest request) {
        validate(request);
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
        long size = artifactSize(request.getArtifactSha256());

        ModelVariantEntity variant = new ModelVariantEntity();
        variant.variantId = variantId(name, version.version, request.getTarget());
        variant.modelVersion = version;
        variant.target = request.getTarget();
        variant.format = request.getFormat();
        variant.artifactSha256 = request.getArtifactSha256();
        variant.sizeBytes = size;
        variant.metrics.putAll(request.getMetricsMap());
        variant.settings.putAll(request.getSettingsMap());
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
        int wanted = version == 0 ? model.latestVersion : version;
        return findVersion(modelName, wanted)
                .map(ModelRegistry::toView)
                .orElseThrow(() -> RegistryException.notFound("no version " + wanted + " of model " + modelName));
    }

    /** Every model with its latest version, by name. */
    @Transactional
    public List<ModelSummary> models() {
        List<ModelEntity> models = ModelEntity.list("latestVersion > 0 order by name");
        return models.stream()
                .map(m -> new ModelSummary(m.name, m.latestVersion, m.createdAt, m.updatedAt))
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
        if (model == null || model.latestVersion == 0) {
            throw RegistryException.notFound("no model " + modelName);
        }
        VersionView latest = version(modelName, model.latestVersion);
        return new ModelDetail(model.name, model.latestVersion, model.createdAt, model.updatedAt, latest);
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
    private ModelEntity lockModel(String name, boolean create) {
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

    private long artifactSize(String sha256) {
        OptionalLong size;
        try {
            size = store.size(sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifact store", e);
        }
        if (size.isEmpty()) {
            throw RegistryException.failedPrecondition(
                    "artifact " + sha256 + " has not been uploaded; upload it with ArtifactService.Upload first");
        }
        return size.getAsLong();
    }

    private static Instant now() {
        // PostgreSQL keeps microseconds: truncate so a version reads back exactly as it was returned
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static void validate(RegisterVersionRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName("model_name", r.getModelName(), errors);
        checkDigest("artifact_sha256", r.getArtifactSha256(), errors);
        if (r.getFeatureCount() < 0) {
            errors.add("feature_count: must not be negative, got " + r.getFeatureCount());
        }
        checkLength("architecture", r.getArchitecture(), MAX_TEXT, errors);
        checkLength("idempotency_key", r.getIdempotencyKey(), MAX_TEXT, errors);
        for (int i = 0; i < r.getClassLabelsCount(); i++) {
            String label = r.getClassLabels(i);
            if (label.isBlank()) {
                errors.add("class_labels[" + i + "]: must not be blank");
            }
            checkLength("class_labels[" + i + "]", label, MAX_TEXT, errors);
        }
        checkMetrics("metrics", r.getMetricsMap(), errors);
        Lineage l = r.getLineage();
        checkLength("lineage.dataset_name", l.getDatasetName(), 128, errors);
        checkLength("lineage.snapshot_id", l.getSnapshotId(), 128, errors);
        checkLength("lineage.training_run_id", l.getTrainingRunId(), 128, errors);
        checkLength("lineage.correlation_id", l.getCorrelationId(), 128, errors);
        if (l.getDatasetVersion() < 0) {
            errors.add("lineage.dataset_version: must not be negative, got " + l.getDatasetVersion());
        }
        if (l.getParentVersion() < 0) {
            errors.add("lineage.parent_version: must not be negative, got " + l.getParentVersion());
        }
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }

    private static void validate(AddVariantRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName("model_name", r.getModelName(), errors);
        if (r.getModelVersion() < 1) {
            errors.add("model_version: must be positive, got " + r.getModelVersion());
        }
        if (!TARGET.matcher(r.getTarget()).matches()) {
            errors.add("target: must be 1-64 of [A-Za-z0-9._-] starting with a letter or digit, got '" + r.getTarget()
                    + "'");
        }
        if (r.getFormat().isBlank()) {
            errors.add("format: must not be blank");
        }
        checkLength("format", r.getFormat(), 64, errors);
        checkDigest("artifact_sha256", r.getArtifactSha256(), errors);
        checkMetrics("metrics", r.getMetricsMap(), errors);
        r.getSettingsMap().forEach((k, v) -> {
            if (k.isBlank()) {
                errors.add("settings: keys must not be blank");
            }
            checkLength("settings key", k, MAX_TEXT, errors);
            checkLength("settings[" + k + "]", v, MAX_SETTING_VALUE, errors);
        });
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }

    private static void checkModelName(String field, String name, List<String> errors) {
        if (!MODEL_NAME.matcher(name).matches()) {
            errors.add(field + ": must be 1-128 of [A-Za-z0-9._-] starting with a letter or digit, got '" + name + "'");
        }
    }

    private static void checkDigest(String field, String sha256, List<String> errors) {
        if (!Hashing.isSha256Hex(sha256)) {
            errors.add(field + ": must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
    }

    private static void checkLength(String field, String value, int max, List<String> errors) {
        if (value.length() > max) {
            errors.add(field + ": at most " + max + " characters, got " + value.length());
        }
    }

    private static void checkMetrics(String field, Map<String, Double> metrics, List<String> errors) {
        metrics.forEach((k, v) -> {
            if (k.isBlank()) {
                errors.add(field + ": names must not be blank");
            }
            checkLength(field + " name", k, MAX_TEXT, errors);
            if (!Double.isFinite(v)) {
                errors.add(field + "[" + k + "]: must be a finite number, got " + v);
            }
        });
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
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
                v.createdAt);
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
                v.createdAt);
    }
}
