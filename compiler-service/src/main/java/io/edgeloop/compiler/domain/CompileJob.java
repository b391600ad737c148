package io.edgeloop.compiler.domain;

import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.registry.v1.ModelVersion;
import java.util.List;

/**
 * What to compile: a registered float model version and the snapshot whose validation split checks its variants.
 *
 * @param modelName model name (= dataset name)
 * @param modelVersion registry version
 * @param sourceSha256 digest of the float ONNX model in the registry
 * @param datasetName dataset of the snapshot the model was trained on
 * @param datasetVersion snapshot version
 * @param snapshotId {@code <dataset>@v<version>}
 * @param classLabels the model's class labels in output order (empty when unknown or not a classifier)
 * @param cause the ModelTrained event's metadata, or null for an on-demand compilation
 * @param correlationId the loop iteration's id (from the cause or the version's lineage), may be blank
 * @param uploaded true for a model uploaded over {@code POST /models}
 * @param io how the model's inputs are fed and which output carries class scores (declared at upload)
 */
public record CompileJob(
        String modelName,
        int modelVersion,
        String sourceSha256,
        String datasetName,
        int datasetVersion,
        String snapshotId,
        List<String> classLabels,
        EventMeta cause,
        String correlationId,
        boolean uploaded,
        ModelIo io) {
    public CompileJob {
        classLabels = classLabels == null ? List.of() : List.copyOf(classLabels);
        io = io == null ? ModelIo.AUTO : io;
    }

    /** Classes the model must output, 0 when unknown. */
    public int classCount() {
        return classLabels.size();
    }

    /** The job a ModelTrained event asks for. */
    public static CompileJob fromEvent(ModelTrained e) {
        return new CompileJob(
                e.getModelName(),
                e.getModelVersion(),
                e.getArtifactSha256(),
                e.getDatasetName(),
                e.getDatasetVersion(),
                e.getSnapshotId(),
                e.getClassLabelsList(),
                e.getMeta(),
                e.getMeta().getCorrelationId(),
                false,
                ModelIo.AUTO);
    }

    /** An on-demand (re)compilation of a registered version, from its lineage. */
    public static CompileJob fromVersion(ModelVersion v) {
        var lineage = v.getLineage();
        return new CompileJob(
                v.getModelName(),
                v.getVersion(),
                v.getArtifactSha256(),
                lineage.getDatasetName(),
                lineage.getDatasetVersion(),
                lineage.getSnapshotId(),
                v.getClassLabelsList(),
                null,
                lineage.getCorrelationId(),
                false,
                ModelIo.fromTags(v.getTagsMap()));
    }

    /** {@code event}, {@code upload} or {@code api}. */
    public String trigger() {
        return cause != null ? "event" : uploaded ? "upload" : "api";
    }
}
