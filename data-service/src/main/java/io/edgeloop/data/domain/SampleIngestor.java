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
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Validates and stores batches of samples, atomically: a batch with any invalid sample stores nothing. Sending the
 * same batch or file again is a no-op counted as duplicates; whether identical rows of different uploads are one
 * sample or several is the data set's {@link DuplicateMode}. New samples get a stratified split ({@link
 * SplitPlanner}).
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

    /** Rows an import reads, checks and inserts at a time. */
    static final int IMPORT_CHUNK = 5000;

    /** Errors an import lists at most (the count of invalid rows is always exact). */
    public static final int MAX_REPORTED_ERRORS = 1000;

    /** Outlier references per data set and group, kept until the group has grown by a tenth (see {@link #reference}). */
    private final Map<String, CachedReference> statsCache = new ConcurrentHashMap<>();

    /** Stored rows a group's outlier reference is computed from at most (ids are hashes: an unbiased choice). */
    static final int REFERENCE_ROWS = 20_000;

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
        Checked batch = check(ds, candidates);
        if (!batch.errors().isEmpty()) {
            throw new IngestRejected(
                    batch.invalid() + " of " + candidates.size() + " samples are invalid; nothing was stored",
                    batch.errors(),
                    candidates.size(),
                    batch.invalid());
        }
        int accepted = store(ds, batch, SampleKeys.chunkKey(SampleKeys.uploadStart(ds.name), candidates));
        LOG.debugf("dataset %s: %d samples accepted, %d duplicates", dataset, accepted, candidates.size() - accepted);
        return new IngestResult(accepted, candidates.size() - accepted);
    }

    /**
     * Stores every chunk that {@code source} yields, in one transaction: a file of any length, read and inserted a
     * chunk at a time. With {@code storeValid} false, one invalid row stores nothing (the reasons for every invalid
     * row, up to {@link #MAX_REPORTED_ERRORS}, are returned as a 422); with true, valid rows are stored and the
     * invalid ones returned.
     *
     * @throws ApiException 404 unknown dataset, 422 when nothing was read or (not {@code storeValid}) a row is invalid
     */
    @Transactional
    public ImportResult ingestAll(String dataset, CandidateSource source, boolean storeValid) {
        return ingestAll(dataset, source, storeValid, null);
    }

    /**
     * The windows of a recording being imported: each stored sample is linked to the recording and its offset there
     * ({@code row index * stride}); {@code chainStart} starts the chain of chunk keys (the recording's content hash),
     * so the windows' ids in {@link DuplicateMode#KEEP} stand for this recording.
     */
    public record RecordingLink(long recordingId, byte[] chainStart, int stride) {}

    /**
     * As {@link #ingestAll(String, CandidateSource, boolean)}; with a {@code link} (may be null) every stored sample
     * is a window of that recording.
     */
    @Transactional
    public ImportResult ingestAll(String dataset, CandidateSource source, boolean storeValid, RecordingLink link) {
        return ingestAll(dataset, source, storeValid, link, null);
    }

    /** Receives an import's counts after each chunk ({@link ImportProgress}). */
    @FunctionalInterface
    public interface ProgressSink {
        /** Rows read, stored (in the import's transaction), already stored and invalid so far. */
        void progress(long rowsRead, long accepted, long duplicates, long invalid);
    }

    /**
     * As {@link #ingestAll(String, CandidateSource, boolean, RecordingLink)}, telling {@code progress} (may be null)
     * the counts after each chunk.
     */
    @Transactional
    public ImportResult ingestAll(
            String dataset, CandidateSource source, boolean storeValid, RecordingLink link, ProgressSink progress) {
        DatasetNames.require(dataset);
        DatasetEntity ds =
                store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        int chunkSize = Math.max(1, Math.min(config.maxBatchSize(), IMPORT_CHUNK));
        long rows = 0;
        long accepted = 0;
        long duplicates = 0;
        long invalid = 0;
        List<FieldError> errors = new ArrayList<>();
        List<SampleCandidate> chunk;
        byte[] chain = link == null ? SampleKeys.uploadStart(ds.name) : link.chainStart();
        while (!(chunk = source.next(chunkSize)).isEmpty()) {
            long firstRow = rows;
            rows += chunk.size();
            Checked batch = check(ds, chunk);
            chain = SampleKeys.chunkKey(chain, chunk);
            invalid += batch.invalid();
            batch.errors().stream()
                    .limit(Math.max(0, MAX_REPORTED_ERRORS - errors.size()))
                    .forEach(errors::add);
            if (storeValid || invalid == 0) {
                int stored = store(ds, batch, chain, link, firstRow);
                accepted += stored;
                duplicates += batch.valid().size() - stored;
            }
            if (progress != null) {
                progress.progress(rows, accepted, duplicates, invalid);
            }
            LOG.debugf("dataset %s import: %d rows read, %d stored, %d invalid", dataset, rows, accepted, invalid);
        }
        if (rows == 0) {
            throw ApiException.invalid("no data rows", List.of(new FieldError("line 2", "expected a data row")));
        }
        if (invalid > 0 && !storeValid) {
            throw new IngestRejected(
                    invalid + " of " + rows + " rows are invalid; nothing was stored"
                            + (invalid > errors.size() ? " (the first " + errors.size() + " errors are listed)" : ""),
                    errors,
                    rows,
                    invalid);
        }
        LOG.infof(
                "dataset %s import: %d rows, %d stored, %d duplicates, %d invalid",
                dataset, rows, accepted, rows - accepted - invalid, invalid);
        return new ImportResult(rows, accepted, rows - accepted - invalid, invalid, errors);
    }

    /** Where an import's rows come from, a chunk at a time. */
    @FunctionalInterface
    public interface CandidateSource {
        /** Up to {@code max} more candidates; empty at the end. */
        List<SampleCandidate> next(int max);
    }

    /**
     * Result of an import.
     *
     * @param rows data rows read
     * @param accepted samples stored
     * @param duplicates valid rows that were stored already (or repeated in the file)
     * @param invalid rows refused (stored only with {@code storeValid})
     * @param errors why, for up to {@link #MAX_REPORTED_ERRORS} of them
     */
    public record ImportResult(long rows, long accepted, long duplicates, long invalid, List<FieldError> errors) {}

    /**
     * A validated chunk: the samples to store, every error with the number of samples it concerns, and the stored
     * samples per class and split it was checked against ({@code [class][train, validation, test]}).
     */
    private record Checked(
            List<SampleValidator.ValidSample> valid, List<FieldError> errors, int invalid, long[][] splitCounts) {}

    /** Validation and outlier checks of one chunk against what is stored now. */
    private Checked check(DatasetEntity ds, List<SampleCandidate> candidates) {
        long[][] splitCounts = store.splitCounts(ds.name, ds.labels.length);
        SampleValidator.Result result = new SampleValidator(
                        List.of(ds.featureNames), List.of(ds.labels), DatasetCatalog.categorical(ds))
                .validate(candidates);
        Set<SampleValidator.ValidSample> outlying = Collections.newSetFromMap(new IdentityHashMap<>());
        List<FieldError> errors = new ArrayList<>(result.errors());
        OutlierCheck.check(
                result.samples(),
                List.of(ds.labels),
                DatasetCatalog.categorical(ds),
                outlierMode(ds),
                outlierThreshold(ds),
                (group, batchRows) -> reference(ds, group, stored(splitCounts, group), batchRows),
                (sample, error) -> {
                    outlying.add(sample);
                    errors.add(error);
                });
        errors.sort(Comparator.comparingInt(e -> candidateIndex(e.field())));
        List<SampleValidator.ValidSample> valid = outlying.isEmpty()
                ? result.samples()
                : result.samples().stream().filter(s -> !outlying.contains(s)).toList();
        return new Checked(valid, errors, result.invalidSamples() + outlying.size(), splitCounts);
    }

    /**
     * Stores the new ones of a checked chunk, assigned to splits in content order; the caller holds the dataset row's
     * lock. What is new depends on the data set's {@link DuplicateMode}: in {@code keep} a row is a duplicate only
     * when the same upload position ({@code chunkKey} and index) is stored already, in {@code drop} when a sample of
     * the same features and label is.
     *
     * @return how many were stored
     */
    private int store(DatasetEntity ds, Checked batch, byte[] chunkKey) {
        return store(ds, batch, chunkKey, null, 0);
    }

    /** As {@link #store(DatasetEntity, Checked, byte[])}, linking each row to {@code link}'s recording (if any). */
    private int store(DatasetEntity ds, Checked batch, byte[] chunkKey, RecordingLink link, long firstRow) {
        boolean keep = duplicateMode(ds) == DuplicateMode.KEEP;
        Map<String, SampleValidator.ValidSample> fresh = new LinkedHashMap<>();
        for (SampleValidator.ValidSample s : batch.valid()) {
            String id = keep
                    ? SampleKeys.rowId(chunkKey, s.index())
                    : SampleKeys.sampleId(ds.name, s.features(), labelKey(s));
            fresh.putIfAbsent(id, s);
        }
        store.existingIds(new ArrayList<>(fresh.keySet())).forEach(fresh::remove);
        SplitPlanner planner = keys.planner(batch.splitCounts()); // nothing was stored since the check
        List<NewSample> rows = new ArrayList<>(fresh.size());
        // each content key computed once, the rows sorted by it (no hash or map lookup inside the comparator)
        List<Map.Entry<String, Map.Entry<String, SampleValidator.ValidSample>>> ordered = new ArrayList<>(fresh.size());
        fresh.entrySet()
                .forEach(e -> ordered.add(
                        Map.entry(SampleKeys.contentKey(e.getValue().features(), labelKey(e.getValue())), e)));
        ordered.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Map.Entry<String, SampleValidator.ValidSample>> o : ordered) {
            String id = o.getValue().getKey();
            SampleValidator.ValidSample s = o.getValue().getValue();
            boolean labeled = s.labelIndex() >= 0; // unlabeled: no class, no split until labeled
            rows.add(new NewSample(
                    id,
                    ds.name,
                    s.features(),
                    labeled ? (short) s.labelIndex() : null,
                    s.label(),
                    s.source(),
                    labeled ? planner.assign(s.labelIndex()).code() : 0,
                    link == null ? null : link.recordingId(),
                    link == null ? null : Math.toIntExact((firstRow + s.index()) * link.stride())));
        }
        // the dataset row is locked and stored ids were removed above: every row is new (binary COPY)
        return store.copySamples(rows, Instant.now());
    }

    /** The label as hashed into ids and content keys: empty for an unlabeled sample. */
    private static String labelKey(SampleValidator.ValidSample s) {
        return s.label() == null ? "" : s.label();
    }

    /** The data set's duplicate handling: its own setting, else {@code keep}. */
    public DuplicateMode duplicateMode(DatasetEntity ds) {
        return ds.duplicates == null ? DuplicateMode.KEEP : DuplicateMode.parse(ds.duplicates);
    }

    /**
     * The data set's outlier mode: its own setting; else {@code off} for raw signals and images (a pixel or reading
     * that is usually 0 in a class has a MAD near 0, so every sample where it is lit would count as an outlier);
     * else the service default.
     */
    public OutlierMode outlierMode(DatasetEntity ds) {
        if (ds.outlierMode != null) {
            return OutlierMode.parse(ds.outlierMode);
        }
        if (!"features".equals(DatasetCatalog.dataKind(ds))) {
            return OutlierMode.OFF;
        }
        return OutlierMode.parse(config.outlier().mode());
    }

    /** The data set's outlier threshold in MADs (its own setting, else the service default). */
    public double outlierThreshold(DatasetEntity ds) {
        return ds.outlierMadThreshold != null
                ? ds.outlierMadThreshold
                : config.outlier().madThreshold();
    }

    private static long stored(long[][] splitCounts, int group) {
        long n = 0;
        for (int c = 0; c < splitCounts.length; c++) {
            if (group == OutlierCheck.WHOLE_DATASET || group == c) {
                n += splitCounts[c][0] + splitCounts[c][1] + splitCounts[c][2];
            }
        }
        return n;
    }

    /**
     * The reference of a group: its stored samples once there are {@code min-samples} of them, else the stored ones
     * together with the batch's own (so the first batches are checked too); null while even both are fewer. A stored
     * reference is computed from at most {@link #REFERENCE_ROWS} rows and kept until the group has grown by a tenth
     * (median and MAD barely move by then), so checking a batch costs the same at 1,000 or 1,000,000 stored rows.
     */
    private FeatureStats reference(DatasetEntity ds, int group, long storedCount, List<float[]> batchRows) {
        int min = config.outlier().minSamples();
        int features = ds.featureNames.length;
        if (storedCount >= min) {
            String key = ds.name + "/" + group;
            CachedReference cached = statsCache.get(key);
            if (cached != null && cached.storedCount() <= storedCount && storedCount <= cached.storedCount() * 1.1) {
                return cached.stats();
            }
            FeatureStats fresh = FeatureStats.of(store.features(ds.name, group, REFERENCE_ROWS), features);
            statsCache.put(key, new CachedReference(fresh, storedCount));
            return fresh;
        }
        if (storedCount + batchRows.size() < min) {
            return null;
        }
        List<float[]> rows = new ArrayList<>(store.features(ds.name, group));
        rows.addAll(batchRows);
        return FeatureStats.of(rows, features);
    }

    /** A group's reference and the group's stored sample count when it was computed. */
    private record CachedReference(FeatureStats stats, long storedCount) {}

    /** The index of the candidate an error field names ({@code samples[i]...} or a CSV line), for ordering. */
    private static int candidateIndex(String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(field);
        return m.find() ? Integer.parseInt(m.group()) : -1;
    }
}
