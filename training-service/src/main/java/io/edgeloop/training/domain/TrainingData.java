package io.edgeloop.training.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A dataset snapshot ready for training: the three splits plus the label vocabulary.
 *
 * @param train fitted on (and source of the standardization statistics)
 * @param validation used for early stopping
 * @param test held out, reported only
 * @param classLabels class names in index order
 * @param featureCount values per sample
 */
public record TrainingData(
        SplitData train, SplitData validation, SplitData test, List<String> classLabels, int featureCount) {
    public TrainingData {
        classLabels = List.copyOf(classLabels);
    }

    /**
     * Checks that the data can be trained on.
     *
     * @return human-readable problems; empty when the data is usable
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (featureCount <= 0) {
            problems.add("feature count must be positive, was " + featureCount);
        }
        if (classLabels.size() < 2) {
            problems.add("at least 2 class labels are needed, got " + classLabels.size());
        }
        check("train", train, problems);
        check("validation", validation, problems);
        check("test", test, problems);
        return problems;
    }

    private void check(String name, SplitData split, List<String> problems) {
        if (split.size() == 0) {
            problems.add(name + " split is empty");
            return;
        }
        for (int i = 0; i < split.size(); i++) {
            if (split.features()[i].length != featureCount) {
                problems.add(name + " sample " + i + " has " + split.features()[i].length + " features, expected "
                        + featureCount);
                return;
            }
            int label = split.labels()[i];
            if (label < 0 || label >= classLabels.size()) {
                problems.add(name + " sample " + i + " has label index " + label + " outside [0, " + classLabels.size()
                        + ")");
                return;
            }
            for (float v : split.features()[i]) {
                if (!Float.isFinite(v)) {
                    problems.add(name + " sample " + i + " has a non-finite feature value");
                    return;
                }
            }
        }
    }
}
