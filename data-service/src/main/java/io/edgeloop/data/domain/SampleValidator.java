package io.edgeloop.data.domain;

import io.edgeloop.kit.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks samples against a dataset schema (outliers are {@link OutlierCheck}'s). A sample without a label (absent,
 * null or empty) is valid: it is stored unlabeled. Reports every problem of every
 * sample; only a fully valid batch yields samples to store.
 */
public final class SampleValidator {
    /** Longest accepted {@code source}. */
    public static final int MAX_SOURCE_LENGTH = 200;

    private final List<String> featureNames;
    private final List<String> labels;
    private final boolean[] categorical;

    /**
     * @param featureNames the dataset's features, in order
     * @param labels the dataset's class labels, in order
     */
    public SampleValidator(List<String> featureNames, List<String> labels) {
        this(featureNames, labels, new boolean[featureNames.size()]);
    }

    /**
     * @param featureNames the dataset's features, in order
     * @param labels the dataset's class labels, in order
     * @param categorical per feature, whether its values are category codes (integers {@code 0..}{@link
     *     DatasetCatalog#MAX_CATEGORY_CODE})
     */
    public SampleValidator(List<String> featureNames, List<String> labels, boolean[] categorical) {
        this.featureNames = featureNames;
        this.labels = labels;
        this.categorical = categorical.clone();
    }

    /**
     * A validated sample: float32 features in schema order, the label's index (-1 and label null: unlabeled), where
     * it was in the request and its position in the list of candidates.
     */
    public record ValidSample(
            float[] features, int labelIndex, String label, String source, SampleLocation location, int index) {}

    /** Outcome: the valid samples (in input order) and every error found. */
    public record Result(List<ValidSample> samples, List<FieldError> errors, int invalidSamples) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Validates every candidate. */
    public Result validate(List<SampleCandidate> candidates) {
        List<ValidSample> valid = new ArrayList<>(candidates.size());
        List<FieldError> errors = new ArrayList<>();
        int invalid = 0;
        for (int i = 0; i < candidates.size(); i++) {
            SampleCandidate c = candidates.get(i);
            int before = errors.size();
            ValidSample s = validate(c, i, errors);
            if (s != null && errors.size() == before) {
                valid.add(s);
            } else {
                invalid++;
            }
        }
        return new Result(valid, errors, invalid);
    }

    private ValidSample validate(SampleCandidate c, int index, List<FieldError> errors) {
        SampleLocation at = c.location();
        if (c.rejected() != null) {
            errors.add(at.sample(c.rejected()));
            return null;
        }
        int errorsBefore = errors.size();
        float[] features = features(c, errors);
        int labelIndex = -1;
        String label = c.label();
        if (label == null || label.isEmpty()) {
            label = null; // unlabeled: stored, left out of snapshots until labeled
        } else {
            labelIndex = labels.indexOf(label);
            if (labelIndex < 0) {
                errors.add(at.label("unknown label '" + label + "' (known: " + String.join(", ", labels) + ")"));
            }
        }
        String source = c.source();
        if (source != null && source.length() > MAX_SOURCE_LENGTH) {
            errors.add(at.source("longer than " + MAX_SOURCE_LENGTH + " characters"));
        }
        if (errors.size() > errorsBefore || features == null) {
            return null;
        }
        return new ValidSample(
                features, labelIndex, label, source == null || source.isBlank() ? null : source, at, index);
    }

    /** The float32 features, or null (with errors added) when any is invalid. */
    private float[] features(SampleCandidate c, List<FieldError> errors) {
        SampleLocation at = c.location();
        List<Double> values = c.features();
        if (values == null) {
            errors.add(at.features("missing features"));
            return null;
        }
        if (values.size() != featureNames.size()) {
            errors.add(at.features("expected " + featureNames.size() + " features, got " + values.size()));
            return null;
        }
        float[] out = new float[values.size()];
        boolean ok = true;
        for (int j = 0; j < values.size(); j++) {
            String raw = c.unparsable().get(j);
            Double v = values.get(j);
            String problem = null;
            if (raw != null) {
                problem = "not a number: '" + raw + "'";
            } else if (v == null) {
                problem = "missing value";
            } else if (!Double.isFinite(v)) {
                problem = "not finite";
            } else if (Float.isInfinite(v.floatValue())) {
                // not |v| > MAX_VALUE: "3.4028235E38" (how Float.MAX_VALUE prints, so an export has it) rounds to it
                problem = "out of float32 range";
            } else if (categorical[j] && !isCategoryCode(v)) {
                problem = "a categorical feature's value must be an integer category code from 0 to "
                        + DatasetCatalog.MAX_CATEGORY_CODE + ", got " + v;
            }
            if (problem != null) {
                errors.add(at.feature(j, problem));
                ok = false;
            } else {
                out[j] = v.floatValue() + 0.0f; // -0.0 -> 0.0, as in the sample id
            }
        }
        return ok ? out : null;
    }

    private static boolean isCategoryCode(double v) {
        return v >= 0 && v <= DatasetCatalog.MAX_CATEGORY_CODE && v == Math.rint(v);
    }
}
