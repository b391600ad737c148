package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One classified inference a device reported in a telemetry window (id, predicted class, confidence) and, once fed
 * back, its true class. Keyed by model and inference id: the first report of an id wins. Written in batches by
 * {@link InferenceStore}; trimmed after {@code edgeloop.monitoring.performance.retention}.
 */
@Entity
@Table(name = "inference_record")
@IdClass(InferenceRecordEntity.Key.class)
public class InferenceRecordEntity extends PanacheEntityBase {
    @Id
    @Column(name = "model_name")
    public String modelName;

    @Id
    @Column(name = "inference_id")
    public String inferenceId;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "window_id", nullable = false)
    public String windowId;

    @Column(name = "predicted_class", nullable = false)
    public int predictedClass;

    @Column(name = "confidence", nullable = false)
    public float confidence;

    @Column(name = "inferred_at", nullable = false)
    public Instant inferredAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /** True class index fed back, null until then. */
    @Column(name = "true_class")
    public Integer trueClass;

    @Column(name = "labelled_at")
    public Instant labelledAt;

    /** The input the device captured with the inference (float32 little-endian, {@link Codec}), or null. */
    @Column(name = "input")
    public byte[] input;

    /** Composite key: model name and inference id. */
    public static class Key implements Serializable {
        public String modelName;
        public String inferenceId;

        public Key() {}

        public Key(String modelName, String inferenceId) {
            this.modelName = modelName;
            this.inferenceId = inferenceId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.modelName.equals(modelName) && k.inferenceId.equals(inferenceId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(modelName, inferenceId);
        }
    }
}
