package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SampleStore.NewSample;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Validates and stores batches of samples, atomically: a batch with any invalid sample stores nothing. Samples are
 * content-addressed, so re-ingesting one is a no-op counted as a duplicate. New samples get a stratified split
 * ({@link SplitPlanner}).
 */
@ApplicationScoped
public class SampleIngestor {
    private static final Logger LOG = Logger.getLogger(SampleIngestor.class);

    @Inject
    SampleStore store;

    @Inject
    SampleKeys keys;

    @Inject
    DataConfig config;

    /** Robust statistics per dataset, valid while the dataset's sample count is unchanged (samples are immutable). */
    private final Map<String, FeatureStats> statsCache = new ConcurrentHashMap<>();

    /**
     * Result of an ingest.
     *
     * @param accepted samples stored by this call
     * @param duplicates samples that were already stored (or repeated within the batch)
     */
    public record IngestResult(int accepted, int duplicates) {}

    /**
     * Validates and stores {@code candidates}.
     *
     * @throws ApiException 404 unknown dataset, 413 batch too large, 422 with every error when any sample is invalid
     */
    @Transactional
    public IngestResult ingest(String dataset, List<SampleCandidate> candidates) {
        DatasetNames.require(dataset);
        if (candidates.size() > config.maxBatchSize()) {
            throw new ApiException(
                    413,
                    "Content Too Large",
                    candidates.size() + " samples in one request; at most " + config.maxBatchSize()
                            + " (edgeloop.data.max-batch-size): split the batch",
                    List.of());
        }
        // Lock the dataset row: ingests and snapshot cuts of one dataset run one at a time.
        DatasetEntity ds =
                store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        if (candidates.isEmpty()) {
            throw ApiException.invalid(
                    "no samples", List.of(new FieldError("samples", "at least one sample is required")));
        }
        long before = store.countSamples(dataset);
        FeatureStats stats = before >= config.outlier().minSamples() ? stats(ds, before) : null;
        var validator = new SampleValidator(
                List.of(ds.featureNames),
                List.of(ds.labels),
                stats,
                config.outlier().madThreshold());
        SampleValidator.Result result = validator.validate(candidates);
        if (!result.ok()) {
            throw ApiException.invalid(
                    result.invalidSamples() + " of " + candidates.size() + " samples are invalid; nothing was stored",
                    result.errors());
        }
        // new samples only (a stored or repeated one is a duplicate), assigned to splits in content order
        Map<String, SampleValidator.ValidSample> fresh = new LinkedHashMap<>();
        for (SampleValidator.ValidSample s : result.samples()) {
            fresh.putIfAbsent(SampleKeys.sampleId(dataset, s.features(), s.label()), s);
        }
        store.existingIds(new ArrayList<>(fresh.keySet())).forEach(fresh::remove);
        SplitPlanner planner = keys.planner(store.splitCounts(dataset, ds.labels.length));
        List<NewSample> rows = new ArrayList<>(fresh.size());
        fresh.entrySet().stream()
                .sorted(Comparator.comparing(e -> SampleKeys.contentKey(
                        e.getValue().features(), e.getValue().label())))
                .forEach(e -> {
                    SampleValidator.ValidSample s = e.getValue();
                    rows.add(new NewSample(
                            e.getKey(),
                            dataset,
                            s.features(),
                            (short) s.labelIndex(),
                            s.label(),
                            s.source(),
                            planner.assign(s.labelIndex()).code()));
                });
        store.insertSamples(rows, Instant.now());
        int accepted = (int) (store.countSamples(dataset) - before);
        LOG.debugf("dataset %s: %d samples accepted, %d duplicates", dataset, accepted, candidates.size() - accepted);
        return new IngestResult(accepted, candidates.size() - accepted);
    }

    private FeatureStats stats(DatasetEntity ds, long count) {
        FeatureStats cached = statsCache.get(ds.name);
        if (cached != null && cached.sampleCount() == count) {
            return cached;
        }
        List<float[]> rows = store.features(ds.name);
        FeatureStats fresh = FeatureStats.of(rows, ds.featureNames.length);
        if (fresh.sampleCount() == count) {
            statsCache.put(ds.name, fresh);
        }
        return fresh;
    }
}
