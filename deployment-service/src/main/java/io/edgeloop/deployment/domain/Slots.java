package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.persistence.DeviceModelEntity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Access to the per-model slots of device twins ({@link DeviceModelEntity}). */
public final class Slots {
    private Slots() {}

    /** The slot of {@code modelName} on {@code deviceId}, or null. */
    public static DeviceModelEntity find(String deviceId, String modelName) {
        return DeviceModelEntity.<DeviceModelEntity>find("deviceId = ?1 and modelName = ?2", deviceId, modelName)
                .firstResult();
    }

    /** The slot of {@code modelName} on {@code deviceId}, created empty when missing. */
    public static DeviceModelEntity getOrCreate(String deviceId, String modelName) {
        DeviceModelEntity s = find(deviceId, modelName);
        if (s == null) {
            s = new DeviceModelEntity();
            s.deviceId = deviceId;
            s.modelName = modelName;
            s.persist();
        }
        return s;
    }

    /** Every slot of a device, by model name. */
    public static List<DeviceModelEntity> of(String deviceId) {
        return DeviceModelEntity.list("deviceId = ?1 order by modelName", deviceId);
    }

    /** Every slot of the fleet, loaded in one query, for fleet-wide work (see {@link Index}). */
    public static Index index() {
        return new Index(DeviceModelEntity.<DeviceModelEntity>list("order by deviceId, modelName"));
    }

    /**
     * Slots of many devices, loaded once: a rollout over thousands of devices looks slots up here instead of one
     * query per device (each query would also make Hibernate dirty-check every entity of the growing transaction, so
     * planning cost grew with the square of the fleet).
     */
    public static final class Index {
        private final Map<String, List<DeviceModelEntity>> byDevice = new HashMap<>();

        private Index(List<DeviceModelEntity> slots) {
            slots.forEach(s ->
                    byDevice.computeIfAbsent(s.deviceId, k -> new ArrayList<>()).add(s));
        }

        /** The device's slots, by model name. */
        public List<DeviceModelEntity> of(String deviceId) {
            return byDevice.getOrDefault(deviceId, List.of());
        }

        /** The slot of {@code modelName} on {@code deviceId}, or null. */
        public DeviceModelEntity find(String deviceId, String modelName) {
            return of(deviceId).stream()
                    .filter(s -> s.modelName.equals(modelName))
                    .findFirst()
                    .orElse(null);
        }

        /** The slot of {@code modelName} on {@code deviceId}, created (and indexed) when missing. */
        public DeviceModelEntity getOrCreate(String deviceId, String modelName) {
            DeviceModelEntity s = find(deviceId, modelName);
            if (s == null) {
                s = new DeviceModelEntity();
                s.deviceId = deviceId;
                s.modelName = modelName;
                s.persist();
                byDevice.computeIfAbsent(deviceId, k -> new ArrayList<>()).add(s);
            }
            return s;
        }
    }
}
