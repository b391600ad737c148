package io.edgeloop.testsupport;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.SetAliasRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * In-memory double of registry-service's {@code ModelRegistry}: RegisterVersion (next version per model, idempotent per
 * model and idempotency key, the artifact must be in the given {@link InMemoryArtifactService}), AddVariant
 * (idempotent per model, version and target) and GetVersion (0 = latest). Requests are validated like the registry's
 * (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION) and recorded for assertions, including those answered with an
 * error. Aliases: SetAlias (or {@link #setAlias}) points one at an existing version; GetVersion by an alias that does
 * not exist answers NOT_FOUND, as the registry does.
 */
public class InMemoryModelRegistry extends ModelRegistryGrpc.ModelRegistryImplBase {
    /** Valid model names, as in the registry. */
    public static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Valid variant targets, as in the registry. */
    public static final Pattern TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final InMemoryArtifactService artifacts;
    private final InjectedFaults faults = new InjectedFaults();
    /** Versions (without variants) per model, by number; guarded by this. */
    private final Map<String, TreeMap<Integer, ModelVersion>> models = new HashMap<>();
    /** Variants per "model/version", by target; guarded by this. */
    private final Map<String, Map<String, ModelVariant>> variants = new HashMap<>();
    /** Version numbers per "model idempotency-key"; guarded by this. */
    private final Map<String, Integer> byIdempotencyKey = new HashMap<>();
    /** Alias -> version per model; guarded by this. */
    private final Map<String, Map<String, Integer>> aliases = new HashMap<>();

    private final List<RegisterVersionRequest> registerCalls = new CopyOnWriteArrayList<>();
    private final List<AddVariantRequest> addVariantCalls = new CopyOnWriteArrayList<>();

    /** A registry whose versions and variants must reference artifacts stored in {@code artifacts}. */
    public InMemoryModelRegistry(InMemoryArtifactService artifacts) {
        this.artifacts = artifacts;
    }

    /** Stores {@code version} as registered (its number as given), e.g. a model a test starts from. */
    public synchronized void register(ModelVersion version) {
        if (version.getVersion() < 1) {
            throw new IllegalArgumentException("version must be positive, got " + version.getVersion());
        }
        models.computeIfAbsent(version.getModelName(), k -> new TreeMap<>())
                .put(version.getVersion(), version.toBuilder().clearVariants().build());
    }

    /**
     * Points {@code alias} of {@code modelName} at {@code version} (which must be registered), e.g. the
     * {@code production} version a test starts from.
     */
    public synchronized void setAlias(String modelName, String alias, int version) {
        if (!models.getOrDefault(modelName, new TreeMap<>()).containsKey(version)) {
            throw new IllegalArgumentException("no version " + version + " of model " + modelName);
        }
        aliases.computeIfAbsent(modelName, k -> new HashMap<>()).put(alias, version);
    }

    /** Version {@code version} of {@code modelName} with its variants, if registered. */
    public synchronized Optional<ModelVersion> version(String modelName, int version) {
        return Optional.ofNullable(
                        models.getOrDefault(modelName, new TreeMap<>()).get(version))
                .map(this::withVariants);
    }

    /** The latest version of {@code modelName} with its variants, if it has any. */
    public synchronized Optional<ModelVersion> latest(String modelName) {
        TreeMap<Integer, ModelVersion> versions = models.get(modelName);
        return versions == null || versions.isEmpty()
                ? Optional.empty()
                : Optional.of(withVariants(versions.lastEntry().getValue()));
    }

    /** Number of versions of {@code modelName}. */
    public synchronized int versionCount(String modelName) {
        TreeMap<Integer, ModelVersion> versions = models.get(modelName);
        return versions == null ? 0 : versions.size();
    }

    /** Every RegisterVersion request received, in order, including those answered with an error. */
    public List<RegisterVersionRequest> registerCalls() {
        return List.copyOf(registerCalls);
    }

    /** Every AddVariant request received, in order, including those answered with an error. */
    public List<AddVariantRequest> addVariantCalls() {
        return List.copyOf(addVariantCalls);
    }

    /** The AddVariant requests received for {@code modelName}, in order. */
    public List<AddVariantRequest> addVariantCalls(String modelName) {
        return addVariantCalls.stream()
                .filter(r -> r.getModelName().equals(modelName))
                .toList();
    }

    /** Faults to answer the next calls with ({@code ModelRegistryGrpc.getRegisterVersionMethod()} etc.). */
    public InjectedFaults faults() {
        return faults;
    }

    @Override
    public void registerVersion(RegisterVersionRequest request, StreamObserver<ModelVersion> response) {
        registerCalls.add(request);
        faults.answer(ModelRegistryGrpc.getRegisterVersionMethod(), response, () -> createVersion(request));
    }

    @Override
    public void addVariant(AddVariantRequest request, StreamObserver<ModelVariant> response) {
        addVariantCalls.add(request);
        faults.answer(ModelRegistryGrpc.getAddVariantMethod(), response, () -> createVariant(request));
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> response) {
        faults.answer(ModelRegistryGrpc.getGetVersionMethod(), response, () -> find(request));
    }

    @Override
    public void setAlias(SetAliasRequest request, StreamObserver<ModelVersion> response) {
        faults.answer(ModelRegistryGrpc.getSetAliasMethod(), response, () -> moveAlias(request));
    }

    private synchronized ModelVersion moveAlias(SetAliasRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName(r.getModelName(), errors);
        if (!TARGET.matcher(r.getAlias()).matches()) {
            errors.add("alias: must be 1-64 of [A-Za-z0-9._-] starting with a letter or digit, got '" + r.getAlias()
                    + "'");
        }
        if (r.getVersion() < 1) {
            errors.add("version: must be positive, got " + r.getVersion());
        }
        throwIfInvalid(errors);
        ModelVersion version =
                models.getOrDefault(r.getModelName(), new TreeMap<>()).get(r.getVersion());
        if (version == null) {
            throw notFound("no version " + r.getVersion() + " of model " + r.getModelName());
        }
        aliases.computeIfAbsent(r.getModelName(), k -> new HashMap<>()).put(r.getAlias(), r.getVersion());
        return withVariants(version);
    }

    private synchronized ModelVersion createVersion(RegisterVersionRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName(r.getModelName(), errors);
        checkDigest(r.getArtifactSha256(), errors);
        if (r.getFeatureCount() < 0) {
            errors.add("feature_count: must not be negative, got " + r.getFeatureCount());
        }
        if (r.getLineage().getDatasetVersion() < 0) {
            errors.add("lineage.dataset_version: must not be negative, got "
                    + r.getLineage().getDatasetVersion());
        }
        if (r.getLineage().getParentVersion() < 0) {
            errors.add("lineage.parent_version: must not be negative, got "
                    + r.getLineage().getParentVersion());
        }
        throwIfInvalid(errors);
        String name = r.getModelName();
        String key = r.getIdempotencyKey().isBlank() ? null : name + " " + r.getIdempotencyKey();
        if (key != null && byIdempotencyKey.containsKey(key)) {
            return withVariants(models.get(name).get(byIdempotencyKey.get(key)));
        }
        long size = artifactSize(r.getArtifactSha256());
        TreeMap<Integer, ModelVersion> versions = models.computeIfAbsent(name, k -> new TreeMap<>());
        int latest = versions.isEmpty() ? 0 : versions.lastKey();
        int parent = r.getLineage().getParentVersion();
        if (parent == 0) {
            parent = latest;
        } else if (parent > latest) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("lineage.parent_version " + parent + " of model " + name
                            + " does not exist (latest is " + latest + ")")
                    .asRuntimeException();
        }
        ModelVersion version = ModelVersion.newBuilder()
                .setModelName(name)
                .setVersion(latest + 1)
                .setArtifactSha256(r.getArtifactSha256())
                .setSizeBytes(size)
                .setLineage(r.getLineage().toBuilder().setParentVersion(parent))
                .putAllMetrics(r.getMetricsMap())
                .addAllClassLabels(r.getClassLabelsList())
                .setFeatureCount(r.getFeatureCount())
                .setArchitecture(r.getArchitecture())
                .putAllTags(r.getTagsMap())
                .build();
        versions.put(version.getVersion(), version);
        if (key != null) {
            byIdempotencyKey.put(key, version.getVersion());
        }
        return version;
    }

    private synchronized ModelVariant createVariant(AddVariantRequest r) {
        List<String> errors = new ArrayList<>();
        checkModelName(r.getModelName(), errors);
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
        checkDigest(r.getArtifactSha256(), errors);
        throwIfInvalid(errors);
        String name = r.getModelName();
        if (!models.containsKey(name)) {
            throw notFound("no model " + name);
        }
        if (!models.get(name).containsKey(r.getModelVersion())) {
            throw notFound("no version " + r.getModelVersion() + " of model " + name);
        }
        Map<String, ModelVariant> targets =
                variants.computeIfAbsent(name + "/" + r.getModelVersion(), k -> new LinkedHashMap<>());
        ModelVariant existing = targets.get(r.getTarget());
        if (existing != null) {
            return existing;
        }
        ModelVariant variant = ModelVariant.newBuilder()
                .setVariantId(name + "-v" + r.getModelVersion() + "-" + r.getTarget())
                .setModelName(name)
                .setModelVersion(r.getModelVersion())
                .setTarget(r.getTarget())
                .setFormat(r.getFormat())
                .setArtifactSha256(r.getArtifactSha256())
                .setSizeBytes(artifactSize(r.getArtifactSha256()))
                .putAllMetrics(r.getMetricsMap())
                .putAllSettings(r.getSettingsMap())
                .build();
        targets.put(r.getTarget(), variant);
        return variant;
    }

    private synchronized ModelVersion find(GetVersionRequest r) {
        if (!r.getAlias().isEmpty()) {
            Integer target = aliases.getOrDefault(r.getModelName(), Map.of()).get(r.getAlias());
            if (target == null) {
                throw notFound("model " + r.getModelName() + " has no alias '" + r.getAlias() + "'");
            }
            return withVariants(models.get(r.getModelName()).get(target));
        }
        if (r.getVersion() < 0) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("version: must be 0 (latest) or positive, got " + r.getVersion())
                    .asRuntimeException();
        }
        TreeMap<Integer, ModelVersion> versions = models.get(r.getModelName());
        if (versions == null) {
            throw notFound("no model " + r.getModelName());
        }
        if (r.getVersion() == 0) {
            if (versions.isEmpty()) {
                throw notFound("model " + r.getModelName() + " has no versions");
            }
            return withVariants(versions.lastEntry().getValue());
        }
        ModelVersion version = versions.get(r.getVersion());
        if (version == null) {
            throw notFound("no version " + r.getVersion() + " of model " + r.getModelName());
        }
        return withVariants(version);
    }

    private ModelVersion withVariants(ModelVersion version) {
        Map<String, ModelVariant> targets = variants.get(version.getModelName() + "/" + version.getVersion());
        List<String> named = aliases.getOrDefault(version.getModelName(), Map.of()).entrySet().stream()
                .filter(e -> e.getValue() == version.getVersion())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        ModelVersion.Builder b = version.toBuilder().clearAliases().addAllAliases(named);
        return targets == null ? b.build() : b.addAllVariants(targets.values()).build();
    }

    private long artifactSize(String sha256) {
        InMemoryArtifactService.Stored stored = artifacts.get(sha256);
        if (stored == null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("artifact " + sha256 + " has not been uploaded")
                    .asRuntimeException();
        }
        return stored.bytes().length;
    }

    private static void checkModelName(String name, List<String> errors) {
        if (!MODEL_NAME.matcher(name).matches()) {
            errors.add(
                    "model_name: must be 1-128 of [A-Za-z0-9._-] starting with a letter or digit, got '" + name + "'");
        }
    }

    private static void checkDigest(String sha256, List<String> errors) {
        if (!Hashing.isSha256Hex(sha256)) {
            errors.add("artifact_sha256: must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
    }

    private static void throwIfInvalid(List<String> errors) {
        if (!errors.isEmpty()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription(String.join("; ", errors))
                    .asRuntimeException();
        }
    }

    private static StatusRuntimeException notFound(String description) {
        return Status.NOT_FOUND.withDescription(description).asRuntimeException();
    }
}
