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

/** One label of a device (its fleet segment), as the device last reported it with its telemetry. */
@Entity
@Table(name = "device_label")
@IdClass(DeviceLabelEntity.Key.class)
public class DeviceLabelEntity extends PanacheEntityBase {
    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Id
    @Column(name = "label_key", length = 63)
    public String key;

    @Column(name = "label_value", nullable = false)
    public String value;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Primary key: device and label key. */
    public static class Key implements Serializable {
        public String deviceId;
        public String key;

        public Key() {}

        public Key(String deviceId, String key) {
            this.deviceId = deviceId;
            this.key = key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(deviceId, k.deviceId) && Objects.equals(key, k.key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(deviceId, key);
        }
    }
}
