package io.edgeloop.deployment.persistence;

import io.edgeloop.deployment.domain.RolloutSettings;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.time.Duration;
import java.util.Map;

/**
 * The rollout settings as columns, shared by a rollout (its effective settings) and a deployment policy (its
 * overrides, null = the default). The selector is not part of it: each owner keeps it in its own collection table.
 */
@Embeddable
public class RolloutSettingsColumns {
    @Column(name = "canary_percent")
    public Integer canaryPercent;

    @Column(name = "wave_percents")
    public String wavePercents;

    @Column(name = "soak_ms")
    public Long soakMs;

    @Column(name = "max_error_rate")
    public Double maxErrorRate;

    @Column(name = "max_latency_p99_us")
    public Double maxLatencyP99Us;

    @Column(name = "max_prediction_shift")
    public Double maxPredictionShift;

    @Column(name = "min_inferences")
    public Long minInferences;

    @Column(name = "activation_timeout_ms")
    public Long activationTimeoutMs;

    @Column(name = "gate_timeout_ms")
    public Long gateTimeoutMs;

    /** What no telemetry at all means for a gate: {@code fail} (wait, then fail) or {@code pass}. */
    @Column(name = "on_no_telemetry")
    public String onNoTelemetry;

    /** Stores every setting of {@code s} but its selector. */
    public void apply(RolloutSettings s) {
        canaryPercent = s.canaryPercent();
        wavePercents = s.wavePercentsText();
        soakMs = s.soakTime().toMillis();
        maxErrorRate = s.maxErrorRate();
        maxLatencyP99Us = s.maxLatencyP99Us();
        maxPredictionShift = s.maxPredictionShift();
        minInferences = s.minInferences();
        activationTimeoutMs = s.activationTimeout().toMillis();
        gateTimeoutMs = s.gateTimeout().toMillis();
        onNoTelemetry = s.onNoTelemetry();
    }

    /** The stored settings with {@code selector}; a null column takes the value of {@code defaults}. */
    public RolloutSettings settings(RolloutSettings defaults, Map<String, String> selector) {
        return new RolloutSettings(
                canaryPercent == null ? defaults.canaryPercent() : canaryPercent,
                wavePercents == null ? defaults.wavePercents() : RolloutSettings.parseWavePercents(wavePercents),
                soakMs == null ? defaults.soakTime() : Duration.ofMillis(soakMs),
                maxErrorRate == null ? defaults.maxErrorRate() : maxErrorRate,
                maxLatencyP99Us == null ? defaults.maxLatencyP99Us() : maxLatencyP99Us,
                maxPredictionShift == null ? defaults.maxPredictionShift() : maxPredictionShift,
                minInferences == null ? defaults.minInferences() : minInferences,
                activationTimeoutMs == null ? defaults.activationTimeout() : Duration.ofMillis(activationTimeoutMs),
                gateTimeoutMs == null ? defaults.gateTimeout() : Duration.ofMillis(gateTimeoutMs),
                onNoTelemetry == null ? defaults.onNoTelemetry() : onNoTelemetry,
                selector);
    }
}
