package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Summary of one reported telemetry window, with the acknowledgement it got (replayed for duplicates). */
@Entity
@Table(name = "telemetry_window", indexes = @Index(name = "telemetry_device_idx", columnList = "device_id,received_at"))
public class TelemetryWindowEntity extends PanacheEntityBase {
    @Id
    @Column(name = "window_id")
    public String windowId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "variant_id", nullable = false)
    public String variantId;

    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "window_end")
    public Instant windowEnd;

    @Column(name = "inference_count", nullable = false)
    public long inferenceCount;

    @Column(name = "error_count", nullable = false)
    public long errorCount;

    @Column(name = "feature_count", nullable = false)
    public int featureCount;

    @Column(name = "sample_count", nullable = false)
    public int sampleCount;

    @Column(name = "latency_p50_us", nullable = false)
    public double latencyP50Us;

    @Column(name = "latency_p99_us", nullable = false)
    public double latencyP99Us;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "telemetry_class_count", joinColumns = @JoinColumn(name = "window_id"))
    @MapKeyColumn(name = "label")
    @Column(name = "class_count", nullable = false)
    public Map<String, Long> predictedClassCounts = new HashMap<>();

    /** Whether the window's input sample went into the model's observation buffer. */
    @Column(nullable = false)
    public boolean buffered;

    /** drift_score returned in the acknowledgement. */
    @Column(name = "drift_score", nullable = false)
    public double driftScore;

    /** drift_detected returned in the acknowledgement. */
    @Column(name = "drift_detected", nullable = false)
    public boolean driftDetected;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
}
