package io.edgeloop.monitoring.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The devices' labels ({@code device_label}) as they report them with telemetry: a device's labels are replaced when
 * they changed (read first: the usual window repeats them and writes nothing).
 */
@ApplicationScoped
public class DeviceLabels {
    @Inject
    EntityManager em;

    /** Stores each device's reported labels where they differ from the stored ones, devices in id order. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void update(Map<String, Map<String, String>> reported, Instant now) {
        if (reported.isEmpty()) {
            return;
        }
        Map<String, Map<String, String>> stored = of(List.copyOf(reported.keySet()));
        for (Map.Entry<String, Map<String, String>> e : new TreeMap<>(reported).entrySet()) {
            String device = e.getKey();
            if (e.getValue().equals(stored.getOrDefault(device, Map.of()))) {
                continue;
            }
            DeviceLabelEntity.delete("deviceId", device);
            em.flush();
            e.getValue().forEach((k, v) -> {
                DeviceLabelEntity l = new DeviceLabelEntity();
                l.deviceId = device;
                l.key = k;
                l.value = v;
                l.updatedAt = now;
                l.persist();
            });
        }
    }

    /** The stored labels of {@code devices}, by device. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, Map<String, String>> of(List<String> devices) {
        Map<String, Map<String, String>> out = new HashMap<>();
        DeviceLabelEntity.<DeviceLabelEntity>list("deviceId in ?1", devices)
                .forEach(l ->
                        out.computeIfAbsent(l.deviceId, d -> new TreeMap<>()).put(l.key, l.value));
        return out;
    }
}
