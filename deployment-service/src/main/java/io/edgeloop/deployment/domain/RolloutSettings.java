package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effective settings of one rollout: the {@code edgeloop.deployment.rollout.*} defaults with the model's
 * overrides applied. Stored with the rollout, so a configuration change never alters a rollout in flight.
 *
 * @param canaryPercent share of the devices in the first wave (0 = no canary)
 * @param wavePercents cumulative shares after each later wave, strictly increasing, ending at 100 (shares at or
 *     below the canary add no wave)
 * @param soakTime time every device of a wave must run the new version before its gate
 * @param maxErrorRate gate threshold on errors / (inferences + errors)
 * @param maxLatencyP99Us gate threshold on the worst window latency p99
 * @param maxPredictionShift gate threshold on the total variation distance of predicted classes
 * @param minInferences inferences needed before a gate can pass (0 = none)
 * @param activationTimeout time a wave's devices may take to report ACTIVE
 * @param gateTimeout time after the soak a gate may wait (for telemetry, min-inferences, monitoring) before it fails
 * @param onNoTelemetry {@code fail}: a wave without any telemetry waits, then fails after the gate timeout;
 *     {@code pass}: it passes on the devices' ACTIVE reports
 * @param selector labels a device must carry to be part of the fleet (empty = all)
 */
public record RolloutSettings(
        int canaryPercent,
        List<Integer> wavePercents,
        Duration soakTime,
        double maxErrorRate,
        double maxLatencyP99Us,
        double maxPredictionShift,
        long minInferences,
        Duration activationTimeout,
        Duration gateTimeout,
        String onNoTelemetry,
        Map<String, String> selector) {
    /** {@link #onNoTelemetry()}: wait, then fail. */
    public static final String NO_TELEMETRY_FAIL = "fail";
    /** {@link #onNoTelemetry()}: pass on ACTIVE reports. */
    public static final String NO_TELEMETRY_PASS = "pass";

    public RolloutSettings {
        wavePercents = List.copyOf(wavePercents);
        selector = Map.copyOf(selector);
    }

    /** The defaults with the overrides of {@code modelName}, validated. */
    public static RolloutSettings resolve(DeploymentConfig.Rollout defaults, String modelName) {
        DeploymentConfig.ModelRollout o = defaults.models().get(modelName);
        RolloutSettings s;
        if (o == null) {
            s = defaults(defaults);
        } else {
            s = new RolloutSettings(
                    o.canaryPercent().orElse(defaults.canaryPercent()),
                    withFinalWave(o.wavePercents().orElse(defaults.wavePercents())),
                    o.soakTime().orElse(defaults.soakTime()),
                    o.maxErrorRate().orElse(defaults.maxErrorRate()),
                    o.maxLatencyP99Us().orElse(defaults.maxLatencyP99Us()),
                    o.maxPredictionShift().orElse(defaults.maxPredictionShift()),
                    o.minInferences().orElse(defaults.minInferences()),
                    o.activationTimeout().orElse(defaults.activationTimeout()),
                    o.gateTimeout().orElse(defaults.gateTimeout()),
                    o.onNoTelemetry().orElse(defaults.onNoTelemetry()),
                    o.selector().isEmpty() ? defaults.selector() : o.selector());
        }
        List<String> problems = s.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid rollout settings"
                    + (o == null ? "" : " for model '" + modelName + "'") + ": " + String.join("; ", problems));
        }
        return s;
    }

    /** The {@code edgeloop.deployment.rollout.*} defaults, with a final 100% wave; not validated. */
    public static RolloutSettings defaults(DeploymentConfig.Rollout defaults) {
        return new RolloutSettings(
                defaults.canaryPercent(),
                withFinalWave(defaults.wavePercents()),
                defaults.soakTime(),
                defaults.maxErrorRate(),
                defaults.maxLatencyP99Us(),
                defaults.maxPredictionShift(),
                defaults.minInferences(),
                defaults.activationTimeout(),
                defaults.gateTimeout(),
                defaults.onNoTelemetry(),
                defaults.selector());
    }

    /** These settings with 100 appended to the wave percents when missing. */
    public RolloutSettings withFinalWave() {
        return new RolloutSettings(
                canaryPercent,
                withFinalWave(wavePercents),
                soakTime,
                maxErrorRate,
                maxLatencyP99Us,
                maxPredictionShift,
                minInferences,
                activationTimeout,
                gateTimeout,
                onNoTelemetry,
                selector);
    }

    /** Every invalid setting, empty when valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (canaryPercent < 0 || canaryPercent > 100) {
            p.add("canary-percent must be in 0..100, was " + canaryPercent);
        }
        int prev = 0; // waves at or below canary-percent add nobody and are dropped from the plan
        for (int w : wavePercents) {
            if (w < 1 || w > 100 || w <= prev) {
                p.add("wave-percents must be in 1..100 and strictly increasing, was " + wavePercents);
                break;
            }
            prev = w;
        }
        if (soakTime.isNegative()) {
            p.add("soak-time must not be negative");
        }
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            p.add("max-error-rate must be in 0..1, was " + maxErrorRate);
        }
        if (!(maxLatencyP99Us > 0)) {
            p.add("max-latency-p99-us must be positive, was " + maxLatencyP99Us);
        }
        if (!(maxPredictionShift >= 0 && maxPredictionShift <= 1)) {
            p.add("max-prediction-shift must be in 0..1, was " + maxPredictionShift);
        }
        if (minInferences < 0) {
            p.add("min-inferences must not be negative");
        }
        if (activationTimeout.isNegative() || activationTimeout.isZero()) {
            p.add("activation-timeout must be positive");
        }
        if (gateTimeout.isNegative()) {
            p.add("gate-timeout must not be negative");
        }
        if (!NO_TELEMETRY_FAIL.equals(onNoTelemetry) && !NO_TELEMETRY_PASS.equals(onNoTelemetry)) {
            p.add("on-no-telemetry must be fail or pass, was " + onNoTelemetry);
        }
        return p;
    }

    /** Whether a wave without any telemetry passes. */
    public boolean passWithoutTelemetry() {
        return NO_TELEMETRY_PASS.equals(onNoTelemetry);
    }

    /** Wave percents as stored ({@code "50,100"}). */
    public String wavePercentsText() {
        return String.join(",", wavePercents.stream().map(String::valueOf).toList());
    }

    /** Parses {@link #wavePercentsText()}. */
    public static List<Integer> parseWavePercents(String text) {
        if (text == null || text.isBlank()) {
            return List.of(100);
        }
        List<Integer> out = new ArrayList<>();
        for (String s : text.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    /** The selector, sorted (for display). */
    public Map<String, String> sortedSelector() {
        return new TreeMap<>(selector);
    }

    /** Appends 100 to cumulative wave percents when missing. */
    public static List<Integer> withFinalWave(List<Integer> percents) {
        List<Integer> out = new ArrayList<>(percents);
        if (out.isEmpty() || out.get(out.size() - 1) < 100) {
            out.add(100);
        }
        return out;
    }
}
