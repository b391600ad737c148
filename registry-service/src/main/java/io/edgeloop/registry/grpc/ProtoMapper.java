package io.edgeloop.registry.grpc;

import io.edgeloop.common.ProtoTime;
import io.edgeloop.proto.registry.v1.Lineage;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.registry.domain.LineageView;
import io.edgeloop.registry.domain.RegistryException;
import io.edgeloop.registry.domain.VariantView;
import io.edgeloop.registry.domain.VersionView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Converts the registry's read models to protobuf messages and its errors to gRPC statuses. */
final class ProtoMapper {
    private ProtoMapper() {}

    static ModelVersion toProto(VersionView v) {
        ModelVersion.Builder b = ModelVersion.newBuilder()
                .setModelName(v.modelName())
                .setVersion(v.version())
                .setArtifactSha256(v.artifactSha256())
                .setSizeBytes(v.sizeBytes())
                .setLineage(toProto(v.lineage()))
                .putAllMetrics(v.metrics())
                .addAllClassLabels(v.classLabels())
                .setFeatureCount(v.featureCount())
                .setArchitecture(nullToEmpty(v.architecture()))
                .setCreatedAt(ProtoTime.of(v.createdAt()))
                .addAllAliases(v.aliases())
                .putAllTags(v.tags());
        v.variants().forEach(variant -> b.addVariants(toProto(variant)));
        return b.build();
    }

    static ModelVariant toProto(VariantView v) {
        return ModelVariant.newBuilder()
                .setVariantId(v.variantId())
                .setModelName(v.modelName())
                .setModelVersion(v.modelVersion())
                .setTarget(v.target())
                .setFormat(v.format())
                .setArtifactSha256(v.artifactSha256())
                .setSizeBytes(v.sizeBytes())
                .putAllMetrics(v.metrics())
                .putAllSettings(v.settings())
                .setCreatedAt(ProtoTime.of(v.createdAt()))
                .build();
    }

    static Lineage toProto(LineageView l) {
        return Lineage.newBuilder()
                .setDatasetName(nullToEmpty(l.datasetName()))
                .setDatasetVersion(l.datasetVersion())
                .setSnapshotId(nullToEmpty(l.snapshotId()))
                .setTrainingRunId(nullToEmpty(l.trainingRunId()))
                .setParentVersion(l.parentVersion())
                .setCorrelationId(nullToEmpty(l.correlationId()))
                .build();
    }

    static StatusRuntimeException toStatus(RegistryException e) {
        Status status = switch (e.kind()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
        return status.withDescription(e.getMessage()).asRuntimeException();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
