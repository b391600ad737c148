package io.edgeloop.common.events;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.edgeloop.proto.events.v1.ModelOptimized;
import io.edgeloop.proto.events.v1.ModelTrained;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.edgeloop.proto.events.v1.SampleLabelled;
import io.edgeloop.proto.events.v1.VariantSummary;
import java.util.List;
import java.util.regex.Pattern;

/** The contract of every event type of the loop: one validator per type, shared by all its consumers. */
public final class EventContracts {
    /** Longest model or dataset name any service stores. */
    public static final int MAX_NAME_LENGTH = 128;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** A snapshot is ready: training trains it, monitoring profiles it. */
    public static final EventContract<DataReady> DATA_READY = new EventContract<>(
            DataReady.getDescriptor().getFullName(),
            "DataReady",
            Topics.DATA_READY,
            DataReady.parser(),
            DataReady::getMeta,
            (e, p) -> {
                name(e.getDatasetName(), "dataset_name", p);
                positive(e.getDatasetVersion(), "dataset_version", p);
                required(e.getSnapshotId(), "snapshot_id", p);
            });

    /** A model version was trained and registered: the compiler compiles it. */
    public static final EventContract<ModelTrained> MODEL_TRAINED = new EventContract<>(
            ModelTrained.getDescriptor().getFullName(),
            "ModelTrained",
            Topics.MODEL_TRAINED,
            ModelTrained.parser(),
            ModelTrained::getMeta,
            (e, p) -> {
                name(e.getModelName(), "model_name", p);
                positive(e.getModelVersion(), "model_version", p);
                sha256(e.getArtifactSha256(), "artifact_sha256", p);
                name(e.getDatasetName(), "dataset_name", p);
                positive(e.getDatasetVersion(), "dataset_version", p);
            });

    /** Variants of a model version are registered: deployment rolls the recommended one out. */
    public static final EventContract<ModelOptimized> MODEL_OPTIMIZED = new EventContract<>(
            ModelOptimized.getDescriptor().getFullName(),
            "ModelOptimized",
            Topics.MODEL_OPTIMIZED,
            ModelOptimized.parser(),
            ModelOptimized::getMeta,
            (e, p) -> {
                name(e.getModelName(), "model_name", p);
                positive(e.getModelVersion(), "model_version", p);
                VariantSummary recommended = e.getVariantsList().stream()
                        .filter(v -> v.getVariantId().equals(e.getRecommendedVariantId()))
                        .findFirst()
                        .orElse(null);
                if (recommended == null) {
                    p.add("recommended_variant_id '" + clip(e.getRecommendedVariantId())
                            + "' is not among the event's variants");
                } else {
                    sha256(recommended.getArtifactSha256(), "variants.artifact_sha256", p);
                    if (recommended.getSizeBytes() <= 0) {
                        p.add("variants.size_bytes must be positive");
                    }
                }
            });

    /** A rollout advanced: the registry records history, monitoring learns what each device serves. */
    public static final EventContract<Deployed> DEPLOYED = new EventContract<>(
            Deployed.getDescriptor().getFullName(),
            "Deployed",
            Topics.DEPLOYED,
            Deployed.parser(),
            Deployed::getMeta,
            (e, p) -> {
                name(e.getModelName(), "model_name", p);
                positive(e.getModelVersion(), "model_version", p);
            });

    /** Monitoring saw drift: data-service cuts a snapshot to retrain on. */
    public static final EventContract<DriftDetected> DRIFT_DETECTED = new EventContract<>(
            DriftDetected.getDescriptor().getFullName(),
            "DriftDetected",
            Topics.DRIFT_DETECTED,
            DriftDetected.parser(),
            DriftDetected::getMeta,
            (e, p) -> name(e.getDatasetName(), "dataset_name", p));

    /** Most input values a labelled sample carries (a 64x64x3 image; larger inputs are not captured). */
    public static final int MAX_SAMPLE_VALUES = 16384;

    /** Ground truth for a captured input: data-service stores a labelled sample for the next snapshot. */
    public static final EventContract<SampleLabelled> SAMPLE_LABELLED = new EventContract<>(
            SampleLabelled.getDescriptor().getFullName(),
            "SampleLabelled",
            Topics.SAMPLE_LABELLED,
            SampleLabelled.parser(),
            SampleLabelled::getMeta,
            (e, p) -> {
                name(e.getDatasetName(), "dataset_name", p);
                name(e.getModelName(), "model_name", p);
                positive(e.getModelVersion(), "model_version", p);
                required(e.getInferenceId(), "inference_id", p);
                required(e.getLabel(), "label", p);
                if (e.getFeaturesCount() == 0 || e.getFeaturesCount() > MAX_SAMPLE_VALUES) {
                    p.add("features must hold 1 to " + MAX_SAMPLE_VALUES + " values, not " + e.getFeaturesCount());
                }
            });

    /**
     * An input the served model was unsure of: data-service stores an unlabeled sample with the prediction as a
     * suggestion. The confidence must be a probability; the predicted label may be empty (no suggestion).
     */
    public static final EventContract<SampleCaptured> SAMPLE_CAPTURED = new EventContract<>(
            SampleCaptured.getDescriptor().getFullName(),
            "SampleCaptured",
            Topics.SAMPLE_CAPTURED,
            SampleCaptured.parser(),
            SampleCaptured::getMeta,
            (e, p) -> {
                name(e.getDatasetName(), "dataset_name", p);
                name(e.getModelName(), "model_name", p);
                positive(e.getModelVersion(), "model_version", p);
                required(e.getInferenceId(), "inference_id", p);
                required(e.getDeviceId(), "device_id", p);
                if (e.getFeaturesCount() == 0 || e.getFeaturesCount() > MAX_SAMPLE_VALUES) {
                    p.add("features must hold 1 to " + MAX_SAMPLE_VALUES + " values, not " + e.getFeaturesCount());
                }
                if (!(e.getConfidence() >= 0 && e.getConfidence() <= 1)) {
                    p.add("confidence must be in [0, 1], not " + e.getConfidence());
                }
            });

    /** Every contract. */
    public static final List<EventContract<?>> ALL = List.of(
            DATA_READY, MODEL_TRAINED, MODEL_OPTIMIZED, DEPLOYED, DRIFT_DETECTED, SAMPLE_LABELLED, SAMPLE_CAPTURED);

    private EventContracts() {}

    private static void name(String value, String field, List<String> problems) {
        if (value.isBlank()) {
            problems.add(field + " is blank");
        } else if (!NAME.matcher(value).matches()) {
            problems.add(field + " '" + clip(value) + "' is not a name (letters, digits, '.', '_', '-', at most "
                    + MAX_NAME_LENGTH + ")");
        }
    }

    private static void required(String value, String field, List<String> problems) {
        if (value.isBlank()) {
            problems.add(field + " is blank");
        }
    }

    private static void positive(long value, String field, List<String> problems) {
        if (value < 1) {
            problems.add(field + " must be >= 1");
        }
    }

    private static void sha256(String value, String field, List<String> problems) {
        if (!Hashing.isSha256Hex(value)) {
            problems.add(field + " is not a sha256 hex digest");
        }
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
