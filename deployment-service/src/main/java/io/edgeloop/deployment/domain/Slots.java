package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.persistence.DeviceModelEntity;
import java.util.List;

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
}
