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

    /** Selector keys with this prefix match the device's capabilities instead of its labels. */
    public static final String CAPABILITY = "capability.";

    /**
     * Whether a device matches {@code selector}: every label key/value, and every capability key
     * ({@code capability.architecture} = normalized architecture, {@code capability.minRamMb},
     * {@code capability.minStorageMb}, {@code capability.accelerator} = one of its accelerators).
     */
    public static boolean matches(Map<String, String> selector, Map<String, String> labels, DeviceProfile device) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            String key = e.getKey();
            String want = e.getValue();
            boolean ok = switch (key) {
                case CAPABILITY + "architecture" ->
                    new DeviceProfile(want, 0, 0, List.of())
                            .normalizedArchitecture()
                            .equals(device.normalizedArchitecture());
                case CAPABILITY + "minRamMb" -> device.ramMb() >= parse(want);
                case CAPABILITY + "minStorageMb" -> device.storageMb() >= parse(want);
                case CAPABILITY + "accelerator" ->
                    device.accelerators().stream().anyMatch(a -> a.equalsIgnoreCase(want));
                default -> want.equals(labels.get(key));
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static long parse(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // never matches
        }
    }

    /** Whether {@code labels} carry every key/value of {@code selector} (an empty selector matches everything). */
    public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
