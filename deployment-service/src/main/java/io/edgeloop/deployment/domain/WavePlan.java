package io.edgeloop.deployment.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Splits a fleet into rollout waves and matches devices against label selectors. */
public final class WavePlan {
    private WavePlan() {}

    /**
     * Splits {@code deviceIds} (in the given order) into waves: the first holds {@code ceil(n * canary / 100)}
     * devices (at least one when {@code canaryPercent > 0}), each later wave grows the covered share to the next
     * cumulative percent. Waves that would add no device are dropped; every device is in exactly one wave.
     *
     * @param wavePercents cumulative percents after the canary, increasing, ending at 100
     */
    public static List<List<String>> waves(List<String> deviceIds, int canaryPercent, List<Integer> wavePercents) {
        int n = deviceIds.size();
        List<List<String>> waves = new ArrayList<>();
        if (n == 0) {
            return waves;
        }
        List<Integer> cumulative = new ArrayList<>();
        cumulative.add(canaryPercent);
        cumulative.addAll(wavePercents);
        if (cumulative.get(cumulative.size() - 1) < 100) {
            cumulative.add(100);
        }
        int covered = 0;
        for (int pct : cumulative) {
            int upTo = pct <= 0 ? 0 : (int) Math.min(n, Math.max(1, Math.ceil(n * pct / 100.0)));
            if (upTo > covered) {
                waves.add(List.copyOf(deviceIds.subList(covered, upTo)));
                covered = upTo;
            }
        }
        return waves;
    }

    /** Whether {@code labels} carry every key/value of {@code selector} (an empty selector matches everything). */
    public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
