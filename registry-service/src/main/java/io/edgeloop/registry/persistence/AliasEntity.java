package io.edgeloop.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A named pointer (e.g. {@code champion}, {@code canary}) from a model to one of its versions. Moved only under the
 * model's row lock, together with an entry in the history, so a move is atomic.
 */
@Entity
@Table(name = "registry_alias")
@IdClass(AliasEntity.Key.class)
public class AliasEntity extends PanacheEntityBase {
    @Id
    @Column(name = "model_name", length = 128)
    public String modelName;

    @Id
    @Column(length = 64)
    public String alias;

    @Column(nullable = false)
    public int version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", length = 200)
    public String updatedBy;

    /** Composite key (model name, alias). */
    public static class Key implements Serializable {
        public String modelName;
        public String alias;

        public Key() {}

        public Key(String modelName, String alias) {
            this.modelName = modelName;
            this.alias = alias;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(modelName, k.modelName) && Objects.equals(alias, k.alias);
        }

        @Override
        public int hashCode() {
            return Objects.hash(modelName, alias);
        }
    }
}
