package io.edgeloop.monitoring.domain;

import java.util.List;

/**
 * What monitoring needs to know about a model version to judge fed-back labels and its live accuracy.
 *
 * @param classLabels the class labels in output order (predicted class indices index them)
 * @param testAccuracy accuracy on the snapshot's test split as registered, or null when unknown
 * @param datasetName the dataset the version was trained on (its lineage), or null (an uploaded model, or facts
 *     stored before monitoring kept it): labelled feedback becomes samples of this dataset
 */
public record VersionFacts(List<String> classLabels, Double testAccuracy, String datasetName) {
    public VersionFacts {
        classLabels = List.copyOf(classLabels);
        datasetName = datasetName == null || datasetName.isBlank() ? null : datasetName;
    }

    /** Facts without a known dataset. */
    public VersionFacts(List<String> classLabels, Double testAccuracy) {
        this(classLabels, testAccuracy, null);
    }

    /** Where the facts of a version come from (the registry). */
    public interface Source {
        /**
         * The facts of {@code modelName} {@code version}.
         *
         * @throws RuntimeException when they cannot be read now
         */
        VersionFacts fetch(String modelName, int version);
    }

    /**
     * The class index that {@code label} names: one of the labels, or (when {@code label} is null) {@code index}
     * within the number of classes; -1 when it names none.
     */
    public int classOf(String label, int index) {
        if (label != null) {
            return classLabels.indexOf(label);
        }
        return index >= 0 && index < classLabels.size() ? index : -1;
    }
}
