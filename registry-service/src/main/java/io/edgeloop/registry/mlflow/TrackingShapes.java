package io.edgeloop.registry.mlflow;

import io.edgeloop.registry.tracking.Experiment;
import io.edgeloop.registry.tracking.MetricPoint;
import io.edgeloop.registry.tracking.Run;
import io.edgeloop.registry.tracking.RunInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tracking objects in MLflow's protobuf JSON shapes ({@code Experiment}, {@code Run}, {@code RunInfo}, {@code Metric}). */
final class TrackingShapes {
    private TrackingShapes() {}

    static Map<String, Object> experiment(Experiment e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment_id", Long.toString(e.id()));
        m.put("name", e.name());
        m.put("artifact_location", e.artifactLocation());
        m.put("lifecycle_stage", e.lifecycleStage());
        m.put("creation_time", e.creationTime());
        m.put("last_update_time", e.lastUpdateTime());
        m.put("tags", MlflowShapes.tagList(e.tags()));
        return m;
    }

    static Map<String, Object> run(Run r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("metrics", r.metrics().stream().map(TrackingShapes::metric).toList());
        data.put("params", MlflowShapes.tagList(r.params()));
        data.put("tags", MlflowShapes.tagList(r.tags()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("info", runInfo(r.info()));
        m.put("data", data);
        m.put("inputs", Map.of("dataset_inputs", List.of()));
        return m;
    }

    static Map<String, Object> runInfo(RunInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", i.runId());
        m.put("run_uuid", i.runId());
        m.put("run_name", i.runName());
        m.put("experiment_id", Long.toString(i.experimentId()));
        m.put("user_id", i.userId());
        m.put("status", i.status());
        m.put("start_time", i.startTime());
        if (i.endTime() != null) {
            m.put("end_time", i.endTime());
        }
        m.put("artifact_uri", i.artifactUri());
        m.put("lifecycle_stage", i.lifecycleStage());
        return m;
    }

    static Map<String, Object> metric(MetricPoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", p.key());
        m.put("value", Double.isFinite(p.value()) ? (Object) p.value() : doubleText(p.value()));
        m.put("timestamp", p.timestamp());
        m.put("step", p.step());
        return m;
    }

    private static String doubleText(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }
}
