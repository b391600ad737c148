package io.edgeloop.data.domain;

import io.edgeloop.common.Events;
import io.edgeloop.common.Hashing;
import io.edgeloop.common.Topics;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SampleStore.IdSplit;
import io.edgeloop.data.persistence.SnapshotEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.outbox.Outbox;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.proto.events.v1.EventMeta;
import io.edgeloop.proto.events.v1.TrainingSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Cuts immutable, versioned snapshots of a dataset and announces each new one with a DataReady event written through
 * the outbox in the same transaction. REST and the DriftDetected consumer share {@link #cut}.
 */
@ApplicationScoped
public class SnapshotService {
    /** Producer name in event metadata. */
    public static final String PRODUCER = "data-service";

    private static final Logger LOG = Logger.getLogger(SnapshotService.class);
    private static final Pattern TRIGGER = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    @Inject
    SampleStore store;

    @Inject
    Outbox outbox;

    @Inject
    EntityManager em;

    @Inject
    io.edgeloop.data.config.DataConfig config;

    @Inject
    io.edgeloop.data.persistence.PendingDriftStore pendingDrift;

    /** Result of {@link #cut}: the snapshot and whether this call created it (false: content unchanged). */
    public record CutResult(SnapshotEntity snapshot, boolean created) {}

    /** {@code <dataset>@v<version>}. */
    public static String snapshotId(String dataset, int version) {
        return dataset + "@v" + version;
    }

    /** Whether {@code trigger} is an acceptable trigger name ({@code [a-z][a-z0-9-]{0,31}}). */
    public static boolean isValidTrigger(String trigger) {
        return trigger != null && TRIGGER.matcher(trigger).matches();
    }

    /**
     * Cuts a new snapshot of every live labelled sample of {@code dataset} (unlabeled ones are left out and counted),
     * unless its content equals the latest snapshot's,
     * in which case that one is returned and nothing is emitted. A new snapshot starts a loop iteration: new
     * correlation id, DataReady enqueued in this transaction.
     *
     * @param trigger why ("manual", "drift", ...)
     * @param causationId event id of the causing event, or null
     * @throws ApiException 404 unknown or deleted dataset, 409 dataset without labelled samples
     */
    @Transactional
    public CutResult cut(String dataset, String trigger, String causationId) {
        return cut(dataset, trigger, causationId, null);
    }

    /**
     * As {@link #cut(String, String, String)}, with training settings copied into the DataReady event of a new
     * snapshot (they are not stored: an unchanged snapshot emits nothing, so its spec is dropped).
     *
     * @param trainingSpec null = none
     */
    @Transactional
    public CutResult cut(String dataset, String trigger, String causationId, TrainingSpec trainingSpec) {
        DatasetNames.require(dataset);
        if (!isValidTrigger(trigger)) {
            throw ApiException.badRequest("invalid trigger '" + trigger + "': expected " + TRIGGER.pattern());
        }
        DatasetEntity ds =
                store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        List<IdSplit> members = store.sampleIdsAndSplits(dataset);
        if (members.isEmpty()) {
            long unlabeled = store.countUnlabeled(dataset);
            throw ApiException.conflict("dataset '" + dataset + "' has no labelled samples"
                    + (unlabeled > 0 ? " (" + unlabeled + " unlabeled)" : "")
                    + ": ingest or label some before a snapshot");
        }
        members.sort(Comparator.comparing(IdSplit::id));
        String contentHash = contentHash(members);
        SnapshotEntity latest = store.latestSnapshot(dataset).orElse(null);
        if (latest != null && latest.contentHash.equals(contentHash)) {
            LOG.infof(
                    "dataset %s unchanged since %s (%d samples): no new snapshot",
                    dataset, snapshotId(dataset, latest.version), members.size());
            return new CutResult(latest, false);
        }
        long[] counts = new long[4];
        for (IdSplit m : members) {
            counts[m.split()]++;
        }
        EventMeta meta = Events.newMeta(PRODUCER, UUID.randomUUID().toString(), causationId);
        SnapshotEntity s = new SnapshotEntity();
        s.datasetName = dataset;
        s.version = latest == null ? 1 : latest.version + 1;
        s.contentHash = contentHash;
        s.featureCount = ds.featureNames.length;
        s.labels = ds.labels.clone();
        s.unlabeledCount = store.countUnlabeled(dataset);
        s.trainCount = counts[Split.TRAIN.code()];
        s.validationCount = counts[Split.VALIDATION.code()];
        s.testCount = counts[Split.TEST.code()];
        s.trigger = trigger;
        s.correlationId = meta.getCorrelationId();
        s.eventId = meta.getEventId();
        s.causationId = causationId == null || causationId.isBlank() ? null : causationId;
        s.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        em.persist(s);
        em.flush();
        int inserted = store.insertMembers(s.id, dataset);
        if (inserted != members.size()) {
            // Cannot happen while the dataset row is locked; refuse to publish an inconsistent snapshot.
            throw new IllegalStateException("snapshot " + snapshotId(dataset, s.version) + " got " + inserted
                    + " members, expected " + members.size());
        }
        s.warnings = SnapshotWarnings.of(
                        List.of(s.labels),
                        store.testCountsByClass(s.id, s.labels.length),
                        config.minTestSamples(),
                        config.minTestSamplesPerClass())
                .toArray(String[]::new);
        for (String w : s.warnings) {
            LOG.warnf("snapshot %s: %s", snapshotId(dataset, s.version), w);
        }
        double rate = ds.sampleRateHz == null ? 0 : ds.sampleRateHz;
        DataReady.Builder event = dataReady(s, meta).toBuilder()
                .setDataKind(DatasetCatalog.dataKind(ds))
                .addAllSampleShape(DatasetCatalog.sampleShape(ds))
                .setSampleRateHz(rate);
        if (ds.featureKinds != null) {
            event.addAllFeatureKinds(DatasetCatalog.featureKinds(ds));
        }
        if (trainingSpec != null) {
            event.setTrainingSpec(withDatasetRate(trainingSpec, rate));
        }
        outbox.enqueue(Topics.DATA_READY, dataset, meta, event.build());
        if (pendingDrift.delete(dataset)) {
            LOG.infof(
                    "snapshot %s holds the new data a pending drift verdict waited for",
                    snapshotId(dataset, s.version));
        }
        LOG.infof(
                "snapshot %s cut (trigger %s): %d train, %d validation, %d test, hash %s, correlation %s",
                snapshotId(dataset, s.version),
                trigger,
                s.trainCount,
                s.validationCount,
                s.testCount,
                contentHash,
                s.correlationId);
        return new CutResult(s, true);
    }

    /** Every snapshot of a dataset (deleted ones too: their snapshots stay readable), oldest first; 404 unknown. */
    @Transactional
    public List<SnapshotEntity> list(String dataset) {
        requireDataset(dataset);
        return store.snapshots(dataset);
    }

    /** One snapshot; version 0 = latest. 404 for an unknown dataset or version. */
    @Transactional
    public SnapshotEntity get(String dataset, int version) {
        requireDataset(dataset);
        if (version < 0) {
            throw ApiException.badRequest("version must be >= 1 (or 0 for the latest), got " + version);
        }
        if (version == 0) {
            return store.latestSnapshot(dataset)
                    .orElseThrow(() -> ApiException.notFound("dataset '" + dataset + "' has no snapshot yet"));
        }
        return store.snapshot(dataset, version)
                .orElseThrow(() -> ApiException.notFound("no snapshot " + snapshotId(dataset, version)));
    }

    /**
     * sha256 over the members sorted by sample id, each as {@code <sampleId>:<split>\n} (split in lower case), or
     * {@code <sampleId>:<split>:<label>\n} for a sample whose label was changed after ingest (its id stands for the
     * ingest label). Depends only on which samples are in the snapshot, their splits and their labels.
     */
    public static String contentHash(List<IdSplit> sortedMembers) {
        MessageDigest md = Hashing.sha256();
        for (IdSplit m : sortedMembers) {
            String line = m.id() + ":" + Split.ofCode(m.split()).label()
                    + (m.editedLabel() == null ? "" : ":" + m.editedLabel()) + "\n";
            md.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return Hashing.hex(md);
    }

    /**
     * {@code spec} with the data set's sampling rate given to an impulse that declares none (its frequency bands
     * and mel filters need it); an impulse's own rate is kept.
     */
    static TrainingSpec withDatasetRate(TrainingSpec spec, double rateHz) {
        if (rateHz <= 0 || !spec.hasImpulse() || spec.getImpulse().getSampleRateHz() > 0) {
            return spec;
        }
        return spec.toBuilder()
                .setImpulse(spec.getImpulse().toBuilder().setSampleRateHz(rateHz))
                .build();
    }

    /** The DataReady event announcing {@code s}. */
    public static DataReady dataReady(SnapshotEntity s, EventMeta meta) {
        return DataReady.newBuilder()
                .setMeta(meta)
                .setDatasetName(s.datasetName)
                .setDatasetVersion(s.version)
                .setSnapshotId(snapshotId(s.datasetName, s.version))
                .setContentHash(s.contentHash)
                .setFeatureCount(s.featureCount)
                .addAllClassLabels(List.of(s.labels))
                .setTrainCount(s.trainCount)
                .setValidationCount(s.validationCount)
                .setTestCount(s.testCount)
                .setTrigger(s.trigger)
                .build();
    }

    /** The dataset a snapshot belongs to (its schema, data kind and sample shape). */
    @Transactional
    public DatasetEntity datasetOf(SnapshotEntity snapshot) {
        return store.dataset(snapshot.datasetName)
                .orElseThrow(() -> ApiException.notFound("no dataset '" + snapshot.datasetName + "'"));
    }

    private void requireDataset(String dataset) {
        DatasetNames.require(dataset);
        if (store.dataset(dataset).isEmpty()) {
            throw ApiException.notFound("no dataset '" + dataset + "'");
        }
    }
}
