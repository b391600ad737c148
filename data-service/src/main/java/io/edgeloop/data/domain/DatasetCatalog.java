package io.edgeloop.data.domain;

import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Defines datasets (schema: ordered features and labels) and reports their state. */
@ApplicationScoped
public class DatasetCatalog {
    /** Most features a dataset may have. */
    public static final int MAX_FEATURES = 1024;
    /** Most class labels a dataset may have. */
    public static final int MAX_LABELS = 1000;

    /**
     * A feature name is a display name, as a CSV header or a data sheet has it ({@code od280/od315}, {@code Sensor A
     * (g)}): 1-64 characters, no control characters, no leading or trailing space.
     */
    private static final Pattern FEATURE_NAME =
            Pattern.compile("[^\\p{Cntrl}\\s](?:[^\\p{Cntrl}]{0,62}[^\\p{Cntrl}\\s])?");

    private static final String FEATURE_NAME_RULE =
            "must be 1-64 characters without control characters or leading/trailing spaces";
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** Column names of a CSV import that cannot be feature names. */
    private static final Set<String> RESERVED = Set.of("label", "source", "split");

    @Inject
    SampleStore store;

    /** Data kinds a dataset may declare. */
    public static final List<String> DATA_KINDS = List.of("features", "timeseries", "image");
    /** Highest sampling rate a data set may declare (Hz). */
    public static final double MAX_SAMPLE_RATE_HZ = 10_000_000;
    /** Most dimensions of a sample shape. */
    public static final int MAX_SHAPE_RANK = 4;
    /** A feature measured on a scale (the default). */
    public static final String NUMERICAL = "numerical";
    /** A feature whose values are integer category codes {@code 0..}{@link #MAX_CATEGORY_CODE}. */
    public static final String CATEGORICAL = "categorical";
    /** Kinds a feature may declare. */
    public static final List<String> FEATURE_KINDS = List.of(NUMERICAL, CATEGORICAL);
    /** Largest category code of a categorical feature (codes are exact in float32 far beyond it). */
    public static final int MAX_CATEGORY_CODE = 65_535;

    /** Result of {@link #define}: the dataset and whether this call created it. */
    public record Defined(DatasetSummary dataset, boolean created) {}

    /**
     * Creates the dataset, or does nothing when it exists with the same schema.
     *
     * @throws ApiException 400 for a bad name, 422 for an invalid schema (every problem listed), 409 when the name
     *     exists with a different schema
     */
    @Transactional
    public Defined define(String name, List<String> featureNames, List<String> labels) {
        return define(name, featureNames, labels, null, null);
    }

    /**
     * Creates the dataset with a data kind and sample shape, or does nothing when it exists with the same schema
     * (kind and shape included, after defaults: {@code features}, {@code [feature count]}).
     *
     * @param dataKind null = {@code features}
     * @param sampleShape null = {@code [feature count]}; its product must be the number of features
     * @throws ApiException 400 for a bad name, 422 for an invalid schema (every problem listed), 409 when the name
     *     exists with a different schema
     */
    @Transactional
    public Defined define(
            String name, List<String> featureNames, List<String> labels, String dataKind, List<Integer> sampleShape) {
        return define(name, featureNames, labels, dataKind, sampleShape, null);
    }

    /**
     * As {@link #define(String, List, List, String, List)} with the sampling rate of a {@code timeseries} data set
     * (null = not declared; part of the schema's identity).
     */
    @Transactional
    public Defined define(
            String name,
            List<String> featureNames,
            List<String> labels,
            String dataKind,
            List<Integer> sampleShape,
            Double sampleRateHz) {
        return define(name, featureNames, labels, dataKind, sampleShape, sampleRateHz, null);
    }

    /**
     * As {@link #define(String, List, List, String, List, Double)} with the kind of each feature ({@code numerical}
     * or {@code categorical}, in feature order; null = every feature numerical; part of the schema's identity after
     * that default). Only a {@code features} data set may have categorical features.
     */
    @Transactional
    public Defined define(
            String name,
            List<String> featureNames,
            List<String> labels,
            String dataKind,
            List<Integer> sampleShape,
            Double sampleRateHz,
            List<String> featureKinds) {
        DatasetNames.require(name);
        List<FieldError> errors = new ArrayList<>();
        checkList("featureNames", featureNames, FEATURE_NAME, FEATURE_NAME_RULE, 1, MAX_FEATURES, errors);
        checkList("labels", labels, LABEL, null, 2, MAX_LABELS, errors);
        if (featureNames != null) {
            for (int i = 0; i < featureNames.size(); i++) {
                if (featureNames.get(i) != null && RESERVED.contains(featureNames.get(i))) {
                    errors.add(new FieldError(
                            "featureNames[" + i + "]",
                            "'" + featureNames.get(i) + "' is reserved (a CSV column of its own)"));
                }
            }
        }
        String kind = dataKind == null ? "features" : dataKind;
        if (!DATA_KINDS.contains(kind)) {
            errors.add(new FieldError("dataKind", "'" + kind + "' is not one of " + DATA_KINDS));
        }
        if (sampleShape != null) {
            if (sampleShape.isEmpty() || sampleShape.size() > MAX_SHAPE_RANK) {
                errors.add(new FieldError(
                        "sampleShape", "expected 1 to " + MAX_SHAPE_RANK + " dimensions, got " + sampleShape.size()));
            } else {
                long product = 1;
                boolean valid = true;
                for (int i = 0; i < sampleShape.size(); i++) {
                    Integer d = sampleShape.get(i);
                    if (d == null || d < 1) {
                        errors.add(new FieldError("sampleShape[" + i + "]", "must be a positive integer"));
                        valid = false;
                    } else {
                        product *= d;
                    }
                }
                if (valid && featureNames != null && product != featureNames.size()) {
                    errors.add(new FieldError(
                            "sampleShape",
                            "product " + product + " must equal the number of features " + featureNames.size()));
                }
            }
        }
        if (sampleRateHz != null) {
            if (!"timeseries".equals(kind)) {
                errors.add(new FieldError("sampleRateHz", "only a timeseries data set has a sampling rate"));
            } else if (!Double.isFinite(sampleRateHz) || sampleRateHz <= 0 || sampleRateHz > MAX_SAMPLE_RATE_HZ) {
                errors.add(new FieldError("sampleRateHz", "must be > 0 and at most " + MAX_SAMPLE_RATE_HZ));
            }
        }
        checkFeatureKinds(featureKinds, featureNames, kind, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid dataset schema", errors);
        }
        String[] kinds = featureKinds == null || !featureKinds.contains(CATEGORICAL)
                ? null
                : featureKinds.toArray(String[]::new);
        String[] features = featureNames.toArray(String[]::new);
        String[] classes = labels.toArray(String[]::new);
        Integer[] shape = sampleShape == null ? new Integer[] {features.length} : sampleShape.toArray(Integer[]::new);
        boolean created = store.dataset(name).isEmpty()
                && store.insertDatasetIfAbsent(
                        name,
                        features,
                        classes,
                        kind,
                        shape,
                        sampleRateHz,
                        kinds,
                        Instant.now().truncatedTo(ChronoUnit.MICROS));
        DatasetEntity existing = store.dataset(name).orElseThrow();
        if (existing.deletedAt != null) {
            throw ApiException.conflict("dataset '" + name + "' was deleted; its name stays taken by its snapshots");
        }
        if (!created
                && (!Arrays.equals(existing.featureNames, features)
                        || !Arrays.equals(existing.labels, classes)
                        || !dataKind(existing).equals(kind)
                        || !sampleShape(existing).equals(List.of(shape))
                        || !java.util.Objects.equals(existing.sampleRateHz, sampleRateHz)
                        || !Arrays.equals(existing.featureKinds, kinds))) {
            throw ApiException.conflict("dataset '" + name + "' exists with a different schema (featureNames "
                    + Arrays.toString(existing.featureNames) + ", labels " + Arrays.toString(existing.labels)
                    + ", dataKind " + dataKind(existing) + ", sampleShape " + sampleShape(existing)
                    + ", sampleRateHz " + existing.sampleRateHz + ", featureKinds " + featureKinds(existing)
                    + "); a schema never changes: use a new dataset name");
        }
        return new Defined(summary(existing), created);
    }

    /** The dataset; 404 when unknown or deleted. */
    @Transactional
    public DatasetSummary get(String name) {
        return summary(require(name));
    }

    /**
     * 404 unless {@code name} is a live dataset; unlike {@link #get} it counts no samples (a scan of the data set),
     * so it costs the same before every ingest whatever the data set's size.
     */
    @Transactional
    public void requireLive(String name) {
        require(name);
    }

    /** Every live dataset, by name. */
    @Transactional
    public List<DatasetSummary> list() {
        Map<String, Long> counts = store.sampleCounts();
        Map<String, Integer> versions = store.latestVersions();
        return store.datasets().stream()
                .map(d -> summary(d, counts.getOrDefault(d.name, 0L), versions.get(d.name)))
                .toList();
    }

    /** The dataset entity; 404 when unknown or deleted. */
    @Transactional(Transactional.TxType.MANDATORY)
    public DatasetEntity require(String name) {
        DatasetNames.require(name);
        return store.liveDataset(name).orElseThrow(() -> ApiException.notFound("no dataset '" + name + "'"));
    }

    private DatasetSummary summary(DatasetEntity d) {
        Integer latest = store.latestSnapshot(d.name).map(s -> s.version).orElse(null);
        return summary(d, store.countSamples(d.name), latest);
    }

    /** The dataset's data kind ({@code features} when it declared none). */
    public static String dataKind(DatasetEntity d) {
        return d.dataKind == null ? "features" : d.dataKind;
    }

    /** The kind of each of the dataset's features, in feature order ({@code numerical} unless declared). */
    public static List<String> featureKinds(DatasetEntity d) {
        return d.featureKinds == null
                ? java.util.Collections.nCopies(d.featureNames.length, NUMERICAL)
                : List.of(d.featureKinds);
    }

    /** Whether each of the dataset's features is categorical, in feature order. */
    public static boolean[] categorical(DatasetEntity d) {
        boolean[] categorical = new boolean[d.featureNames.length];
        for (int i = 0; d.featureKinds != null && i < categorical.length; i++) {
            categorical[i] = CATEGORICAL.equals(d.featureKinds[i]);
        }
        return categorical;
    }

    /** The dataset's sample shape ({@code [feature count]} when it declared none). */
    public static List<Integer> sampleShape(DatasetEntity d) {
        return d.sampleShape == null ? List.of(d.featureNames.length) : List.of(d.sampleShape);
    }

    private static DatasetSummary summary(DatasetEntity d, long samples, Integer latest) {
        return new DatasetSummary(
                d.name,
                List.of(d.featureNames),
                List.of(d.labels),
                samples,
                latest,
                latest == null ? null : SnapshotService.snapshotId(d.name, latest),
                d.createdAt,
                dataKind(d),
                sampleShape(d),
                d.sampleRateHz,
                featureKinds(d));
    }

    /** {@code featureKinds}: one known kind per feature; categorical features only in a {@code features} data set. */
    private static void checkFeatureKinds(
            List<String> featureKinds, List<String> featureNames, String dataKind, List<FieldError> errors) {
        if (featureKinds == null) {
            return;
        }
        if (featureNames != null && featureKinds.size() != featureNames.size()) {
            errors.add(new FieldError(
                    "featureKinds",
                    "expected one kind per feature (" + featureNames.size() + "), got " + featureKinds.size()));
        }
        for (int i = 0; i < featureKinds.size(); i++) {
            String k = featureKinds.get(i);
            if (k == null) {
                errors.add(new FieldError("featureKinds[" + i + "]", "missing value"));
            } else if (!FEATURE_KINDS.contains(k)) {
                errors.add(new FieldError("featureKinds[" + i + "]", "'" + k + "' is not one of " + FEATURE_KINDS));
            } else if (CATEGORICAL.equals(k) && !"features".equals(dataKind)) {
                errors.add(new FieldError(
                        "featureKinds[" + i + "]",
                        "only a 'features' data set has categorical features, not a '" + dataKind + "' one"));
            }
        }
    }

    private static void checkList(
            String field,
            List<String> values,
            Pattern pattern,
            String rule,
            int min,
            int max,
            List<FieldError> errors) {
        if (values == null) {
            errors.add(new FieldError(field, "required"));
            return;
        }
        if (values.size() < min || values.size() > max) {
            errors.add(new FieldError(field, "expected " + min + " to " + max + " entries, got " + values.size()));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            String at = field + "[" + i + "]";
            if (v == null || v.isBlank()) {
                errors.add(new FieldError(at, "missing value"));
            } else if (!pattern.matcher(v).matches()) {
                errors.add(new FieldError(
                        at, "'" + v + "' " + (rule != null ? rule : "does not match " + pattern.pattern())));
            } else if (!seen.add(v)) {
                errors.add(new FieldError(at, "duplicate '" + v + "'"));
            }
        }
    }
}
