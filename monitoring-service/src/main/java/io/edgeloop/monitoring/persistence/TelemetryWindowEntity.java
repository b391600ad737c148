package io.edgeloop.monitoring.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
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
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.ColumnDefault;

/**
 * Summary of one reported telemetry window, with the acknowledgement it got (replayed for duplicates). The columns
 * added after the first release carry database defaults, so that Hibernate's schema update can add them to a table
 * that already has rows.
 */
@Entity
@Table(name = "telemetry_window", indexes = @Index(name = "telemetry_device_idx", columnList = "device_id,received_at"))
public class TelemetryWindowEntity extends PanacheEntityBase {
    /** {@link #source} of traffic from callers of the device's APIs (also: a window that names no source). */
    public static final String LIVE = "live";

    /** {@link #source} of traffic from the agent's built-in sensor simulator. */
    public static final String SIMULATOR = "simulator";

    /** Random inputs an agent's simulator shaped like the model's signature: never used for drift. */
    public static final String SYNTHETIC = "synthetic";

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

    /** Model/runtime failures (the caller's input errors are {@link #clientErrorCount}). */
    @Column(name = "error_count", nullable = false)
    public long errorCount;

    /** Inferences refused because the caller's input did not fit the model (never a model error). */
    @Column(name = "client_error_count", nullable = false)
    @ColumnDefault("0")
    public long clientErrorCount;

    /** Where the traffic came from: {@code live} or {@code simulator}. */
    @Column(nullable = false, length = 32)
    @ColumnDefault("'live'")
    public String source = LIVE;

    /** Deployment the device was serving during the window, null when the agent did not say. */
    @Column(name = "deployment_id", length = 255)
    public String deploymentId;

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

    /**
     * Windows of a device, newest first by window end (receipt time for a window without one).
     *
     * @param modelName only this model; blank = every model
     * @param modelVersion only this version of it; 0 = every version
     * @param since only windows that ended at or after it; null = no bound
     * @param limit at most this many (>= 1)
     */
    public static List<TelemetryWindowEntity> listWindows(
            String deviceId, String modelName, int modelVersion, Instant since, int limit) {
        StringBuilder q = new StringBuilder("deviceId = :device");
        Parameters params = Parameters.with("device", deviceId);
        if (!modelName.isBlank()) {
            q.append(" and modelName = :model");
            params.and("model", modelName);
        }
        if (modelVersion > 0) {
            q.append(" and modelVersion = :version");
            params.and("version", modelVersion);
        }
        if (since != null) {
            q.append(" and coalesce(windowEnd, receivedAt) >= :since");
            params.and("since", since);
        }
        q.append(" order by coalesce(windowEnd, receivedAt) desc, receivedAt desc, windowId desc");
        return TelemetryWindowEntity.<TelemetryWindowEntity>find(q.toString(), params)
                .page(Page.ofSize(limit))
                .list();
    }
}
