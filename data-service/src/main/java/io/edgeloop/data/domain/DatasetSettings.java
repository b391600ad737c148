package io.edgeloop.data.domain;

import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/**
 * A data set's mutable settings (its schema never changes): how new samples are checked for outliers (unset values
 * follow the service defaults, {@code edgeloop.data.outlier.*}) and what counts as a duplicate sample.
 */
@ApplicationScoped
public class DatasetSettings {
    /** Largest accepted threshold in MADs. */
    public static final double MAX_MAD_THRESHOLD = 1e6;

    @Inject
    SampleStore store;

    @Inject
    SampleIngestor ingestor;

    /**
     * Effective settings.
     *
     * @param mode {@code dataset}, {@code per-class} or {@code off}
     * @param madThreshold values more than this many MADs from the median are outliers
     * @param defaults whether both follow the service defaults
     */
    public record Outliers(String mode, double madThreshold, boolean defaults) {}

    /** The settings document. */
    public record Settings(Outliers outliers, String duplicates) {}

    /** Requested changes; a null field is left as it is. */
    public record OutlierChange(String mode, Double madThreshold) {}

    /** The effective settings; 404 for an unknown data set. */
    @Transactional
    public Settings get(String name) {
        DatasetNames.require(name);
        return view(store.liveDataset(name).orElseThrow(() -> ApiException.notFound("no dataset '" + name + "'")));
    }

    /**
     * Changes the outlier settings and the duplicate handling (for samples ingested from now on; stored samples
     * stay). 422 naming the field for an unknown mode or a threshold outside (0, 1e6].
     *
     * @param change outlier settings to change, null = none
     * @param duplicates {@code keep} or {@code drop}, null = unchanged
     */
    @Transactional
    public Settings change(String name, OutlierChange change, String duplicates) {
        DatasetNames.require(name);
        List<FieldError> errors = new ArrayList<>();
        if (change == null) {
            change = new OutlierChange(null, null);
        }
        if (duplicates != null) {
            try {
                DuplicateMode.parse(duplicates);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("duplicates", e.getMessage()));
            }
        }
        if (change.mode() != null) {
            try {
                OutlierMode.parse(change.mode());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("outliers.mode", e.getMessage()));
            }
        }
        Double t = change.madThreshold();
        if (t != null && (!(t > 0) || t > MAX_MAD_THRESHOLD)) {
            errors.add(new FieldError("outliers.madThreshold", "must be in (0, 1000000]"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid settings", errors);
        }
        DatasetEntity ds =
                store.lockDataset(name).orElseThrow(() -> ApiException.notFound("no dataset '" + name + "'"));
        if (change.mode() != null) {
            ds.outlierMode = OutlierMode.parse(change.mode()).wireName();
        }
        if (t != null) {
            ds.outlierMadThreshold = t;
        }
        if (duplicates != null) {
            ds.duplicates = DuplicateMode.parse(duplicates).wireName();
        }
        return view(ds);
    }

    private Settings view(DatasetEntity ds) {
        return new Settings(
                new Outliers(
                        ingestor.outlierMode(ds).wireName(),
                        ingestor.outlierThreshold(ds),
                        ds.outlierMode == null && ds.outlierMadThreshold == null),
                ingestor.duplicateMode(ds).wireName());
    }
}
