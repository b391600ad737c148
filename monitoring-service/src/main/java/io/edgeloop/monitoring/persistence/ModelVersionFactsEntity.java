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

/** What the registry said about a model version: class labels (JSON array, output order) and test accuracy. */
@Entity
@Table(name = "model_version_facts")
@IdClass(ModelVersionFactsEntity.Key.class)
public class ModelVersionFactsEntity extends PanacheEntityBase {
    @Id
    @Column(name = "model_name")
    public String modelName;

    @Id
    @Column(name = "model_version")
    public int modelVersion;

    @Column(name = "class_labels", nullable = false, columnDefinition = "text")
    public String classLabels;

    /** Null when the registry holds no {@code test_accuracy} for the version. */
    @Column(name = "test_accuracy")
    public Double testAccuracy;

    /** The dataset of the version's lineage; null for an uploaded model or facts stored before V7. */
    @Column(name = "dataset_name")
    public String datasetName;

    @Column(name = "fetched_at", nullable = false)
    public Instant fetchedAt;

    /** Composite key: model name and version. */
    public static class Key implements Serializable {
        public String modelName;
        public int modelVersion;

        public Key() {}

        public Key(String modelName, int modelVersion) {
            this.modelName = modelName;
            this.modelVersion = modelVersion;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.modelName.equals(modelName) && k.modelVersion == modelVersion;
        }

        @Override
        public int hashCode() {
            return Objects.hash(modelName, modelVersion);
        }
    }
}
