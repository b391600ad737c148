package io.edgeloop.registry.domain;

import io.edgeloop.registry.persistence.AliasEntity;
import io.edgeloop.registry.persistence.LineageEmbeddable;
import io.edgeloop.registry.persistence.ModelVariantEntity;
import io.edgeloop.registry.persistence.ModelVersionEntity;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/** The read models of the registry's rows: {@link VersionView} and {@link VariantView}. */
final class RegistryViews {
    private RegistryViews() {}

    /** A version with its variants, the aliases pointing at it (a query: call it in a transaction) and its tags. */
    static VersionView version(ModelVersionEntity v) {
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
                v.variants.stream().map(RegistryViews::variant).toList(),
                v.createdAt,
                v.registeredBy,
                AliasEntity.<AliasEntity>list("modelName = ?1 and version = ?2 order by alias", v.modelName, v.version)
                        .stream()
                        .map(a -> a.alias)
                        .toList(),
                Collections.unmodifiableMap(new TreeMap<>(v.tags)),
                v.description,
                v.updatedAt);
    }

    /** A variant. */
    static VariantView variant(ModelVariantEntity v) {
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
