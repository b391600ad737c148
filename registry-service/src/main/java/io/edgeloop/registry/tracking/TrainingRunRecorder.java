package io.edgeloop.registry.tracking;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import io.edgeloop.proto.events.v1.ClassMetrics;
import io.edgeloop.proto.events.v1.Metrics;
import io.edgeloop.proto.events.v1.ModelTrained;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Records a training run as an MLflow run from its {@code ModelTrained} event, so MLflow clients see every training
 * run: experiment = the model name (created on its first run), run id = the event's {@code training_run_id} (the
 * id the model version's lineage and MLflow {@code run_id} carry; {@code <model>-v<version>} when empty), status
 * {@code FINISHED}, started {@code training_seconds} before the event.
 *
 * <ul>
 *   <li>params: every field of the training spec that is set (hyperparameters; nested fields as {@code a.b},
 *       lists comma-separated, maps as {@code field.key}), and {@code dataset.name}, {@code dataset.version},
 *       {@code dataset.snapshot_id}, {@code model.architecture}, {@code model.feature_count}, {@code
 *       model.parameter_count}, {@code model.class_labels}, {@code model.sample_shape};
 *   <li>metrics (step = epochs trained): {@code test_accuracy}, {@code test_macro_f1}, {@code test_loss}, the same
 *       with {@code val_}, per class {@code test_<label>_precision / _recall / _f1 / _support}, {@code
 *       epochs_trained}, {@code
 *       training_seconds}, and for distilled students {@code teacher_test_accuracy}, {@code
 *       student_alone_test_accuracy};
 *   <li>tags: {@code mlflow.runName} ({@code <model>-v<version>}), {@code mlflow.user} (the producer), {@code
 *       edgeloop.model_name}, {@code edgeloop.model_version}, {@code edgeloop.artifact_sha256}, {@code
 *       edgeloop.correlation_id}, {@code edgeloop.event_id}.
 * </ul>
 *
 * A run id recorded before is left as it is (a redelivery or a replay records nothing twice).
 */
@ApplicationScoped
public class TrainingRunRecorder {
    private static final int MAX_PARAM = 6000;

    @Inject
    TrackingStore store;

    /**
     * Records the run of {@code event}; false when its run id was recorded before.
     *
     * @param now epoch ms used when the event carries no time
     */
    @Transactional
    public boolean record(ModelTrained event, long now) {
        long end = event.getMeta().hasOccurredAt()
                ? event.getMeta().getOccurredAt().getSeconds() * 1000
                        + event.getMeta().getOccurredAt().getNanos() / 1_000_000
                : now;
        long start = end - Math.round(event.getTrainingSeconds() * 1000);
        String runName = event.getModelName() + "-v" + event.getModelVersion();
        String runId = event.getTrainingRunId().isBlank() ? runName : event.getTrainingRunId();
        long experimentId = experiment(event.getModelName(), end);
        boolean created = store.createRun(new TrackingStore.NewRun(
                runId,
                experimentId,
                runName,
                event.getMeta().getProducer(),
                "FINISHED",
                Math.min(start, end),
                end,
                tags(event, runName)));
        if (created) {
            store.logBatch(runId, metrics(event, end), params(event), Map.of());
        }
        return created;
    }

    private long experiment(String name, long now) {
        Optional<Long> created = store.createExperiment(name, "", Map.of("edgeloop.model_name", name), now);
        return created.orElseGet(
                () -> store.experimentByName(name).orElseThrow().id());
    }

    private static Map<String, String> tags(ModelTrained e, String runName) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", runName);
        tags.put("mlflow.user", e.getMeta().getProducer());
        tags.put("edgeloop.model_name", e.getModelName());
        tags.put("edgeloop.model_version", Integer.toString(e.getModelVersion()));
        tags.put("edgeloop.artifact_sha256", e.getArtifactSha256());
        tags.put("edgeloop.correlation_id", e.getMeta().getCorrelationId());
        tags.put("edgeloop.event_id", e.getMeta().getEventId());
        return tags;
    }

    static Map<String, String> params(ModelTrained e) {
        Map<String, String> params = new LinkedHashMap<>();
        flatten("", e.getSpec(), params);
        params.put("dataset.name", e.getDatasetName());
        params.put("dataset.version", Integer.toString(e.getDatasetVersion()));
        params.put("dataset.snapshot_id", e.getSnapshotId());
        params.put("model.architecture", e.getArchitecture());
        params.put("model.feature_count", Integer.toString(e.getFeatureCount()));
        params.put("model.parameter_count", Long.toString(e.getParameterCount()));
        params.put("model.class_labels", String.join(",", e.getClassLabelsList()));
        params.put("model.sample_shape", joined(e.getSampleShapeList()));
        params.replaceAll((k, v) -> v.length() > MAX_PARAM ? v.substring(0, MAX_PARAM) : v);
        return params;
    }

    private static List<MetricPoint> metrics(ModelTrained e, long time) {
        long step = e.getEpochs();
        Map<String, Double> values = new LinkedHashMap<>();
        if (e.hasTestMetrics()) {
            metrics("test_", e.getTestMetrics(), values);
            for (ClassMetrics c : e.getTestMetrics().getPerClassList()) {
                String label = "test_" + c.getLabel().replaceAll("[^\\w\\-. ]", "_");
                values.put(label + "_precision", c.getPrecision());
                values.put(label + "_recall", c.getRecall());
                values.put(label + "_f1", c.getF1());
                values.put(label + "_support", (double) c.getSupport());
            }
        }
        if (e.hasValidationMetrics()) {
            metrics("val_", e.getValidationMetrics(), values);
        }
        values.put("epochs_trained", (double) e.getEpochs());
        values.put("training_seconds", e.getTrainingSeconds());
        if (e.hasDistillation()) {
            values.put(
                    "teacher_test_accuracy",
                    e.getDistillation().getTeacherTestMetrics().getAccuracy());
            values.put(
                    "student_alone_test_accuracy",
                    e.getDistillation().getStudentAloneTestMetrics().getAccuracy());
        }
        List<MetricPoint> points = new ArrayList<>();
        values.forEach((k, v) -> points.add(new MetricPoint(k, v, time, step)));
        return points;
    }

    private static void metrics(String prefix, Metrics m, Map<String, Double> out) {
        out.put(prefix + "accuracy", m.getAccuracy());
        out.put(prefix + "macro_f1", m.getMacroF1());
        out.put(prefix + "loss", m.getLoss());
        out.put(prefix + "sample_count", (double) m.getSampleCount());
    }

    /** Every set field of {@code message} as {@code prefix + name = value}. */
    private static void flatten(String prefix, Message message, Map<String, String> out) {
        for (Map.Entry<FieldDescriptor, Object> f : message.getAllFields().entrySet()) {
            FieldDescriptor field = f.getKey();
            String key = prefix + field.getName();
            Object value = f.getValue();
            if (field.isMapField()) {
                for (Object entry : (List<?>) value) {
                    MapEntry<?, ?> kv = (MapEntry<?, ?>) entry;
                    out.put(key + "." + kv.getKey(), scalar(kv.getValue()));
                }
            } else if (field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                List<?> items = (List<?>) value;
                for (int i = 0; i < items.size(); i++) {
                    flatten(key + "." + i + ".", (Message) items.get(i), out);
                }
            } else if (field.isRepeated()) {
                out.put(key, joined((List<?>) value));
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                flatten(key + ".", (Message) value, out);
            } else {
                out.put(key, scalar(value));
            }
        }
    }

    private static String scalar(Object value) {
        return value instanceof EnumValueDescriptor en ? en.getName() : String.valueOf(value);
    }

    private static String joined(List<?> values) {
        return values.stream().map(TrainingRunRecorder::scalar).collect(Collectors.joining(","));
    }
}
