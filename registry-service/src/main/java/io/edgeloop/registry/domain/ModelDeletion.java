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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deleting a model version, or a model with all its versions. Each deletion runs under the model's row lock, is
 * refused while what it deletes is in use, and is recorded in the append-only {@link History} with the caller as
 * actor; after it committed, the blobs of the deleted versions and variants that nothing else references are
 * collected ({@link ArtifactReferences#collectUnreferenced}, each in its own transaction under the blob's exclusive
 * lock). A blob that cannot be collected then is logged and left to the orphan GC.
 */
@ApplicationScoped
public class ModelDeletion {
    private static final int MAX_REASON = 1000;

    @Inject
    ModelRegistry registry;

    @Inject
    ArtifactReferences references;

    @Inject
    History history;

    @Inject
    EntityManager em;

    /**
     * Deletes a version and its variants, records {@code version-deleted}, then collects the blobs that neither
     * another version nor a variant references.
     *
     * @return digests of the blobs that were deleted
     * @throws RegistryException INVALID for a too long reason, NOT_FOUND for an unknown model or version,
     *     FAILED_PRECONDITION when an alias points at the version (move or delete the alias first)
     */
    public Set<String> deleteVersion(String modelName, int version, String actor, String reason) {
        if (reason != null && reason.length() > MAX_REASON) {
            throw RegistryException.invalid(
                    List.of("reason: at most " + MAX_REASON + " characters, got " + reason.length()));
        }
        Set<String> candidates =
                QuarkusTransaction.requiringNew().call(() -> deleteVersionRows(modelName, version, actor, reason));
        return references.collectUnreferenced(candidates, "deleting version " + version + " of model " + modelName);
    }

    /**
     * Deletes a model with all its versions, their variants and tags, records {@code model-deleted} (version = its
     * highest version number, reason naming the versions deleted), then collects the blobs that no other version or
     * variant references.
     *
     * @return digests of the blobs that were deleted
     * @throws RegistryException INVALID for a malformed name, NOT_FOUND for an unknown model
     * @throws ModelStateException IN_USE while an alias points at a version or a version is being rolled out or runs
     *     on devices (the message names each)
     */
    public Set<String> deleteModel(String modelName, String actor, String reason) {
        Set<String> candidates =
                QuarkusTransaction.requiringNew().call(() -> deleteModelRows(modelName, actor, reason));
        return references.collectUnreferenced(candidates, "deleting model " + modelName);
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

    private Set<String> deleteVersionRows(String modelName, int version, String actor, String reason) {
        ModelEntity model = registry.lockModel(modelName, false);
        if (model == null) {
            throw RegistryException.notFound("no model " + modelName);
        }
        ModelVersionEntity v = ModelVersionEntity.<ModelVersionEntity>find(
                        "modelName = ?1 and version = ?2", modelName, version)
                .firstResultOptional()
                .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model " + modelName));
        List<AliasEntity> pointing = AliasEntity.list("modelName = ?1 and version = ?2", modelName, version);
        if (!pointing.isEmpty()) {
            throw RegistryException.failedPrecondition("version " + version + " of model " + modelName
                    + " is aliased as "
                    + pointing.stream().map(a -> a.alias).sorted().toList()
                    + "; move or delete the alias first");
        }
        Set<String> shas = deleteWithVariants(v);
        history.versionDeleted(
                modelName, version, ModelRegistry.truncate(actor), reason == null || reason.isBlank() ? null : reason);
        model.updatedAt = ModelRegistry.now();
        return shas;
    }

    private Set<String> deleteModelRows(String modelName, String actor, String reason) {
        ModelEntity model = registry.lockExisting(modelName);
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
            numbers.add(v.version);
            shas.addAll(deleteWithVariants(v));
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

    /** Deletes a version and its variants; returns the digests they referenced. */
    private static Set<String> deleteWithVariants(ModelVersionEntity v) {
        Set<String> shas = new LinkedHashSet<>();
        shas.add(v.artifactSha256);
        for (ModelVariantEntity variant : List.copyOf(v.variants)) {
            shas.add(variant.artifactSha256);
            variant.delete();
        }
        v.delete();
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
}
