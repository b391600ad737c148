package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.PendingDriftStore;
import io.edgeloop.data.persistence.PendingDriftStore.PendingDrift;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Drift verdicts that came before the data to retrain on. Monitoring says once per model version that its inputs
 * drifted; when the data set holds nothing the latest snapshot lacks yet (the drifted devices' labelled readings are
 * still on their way), the verdict is kept here instead of being dropped, and the drift snapshot is cut (trigger
 * {@code drift}, causation = the verdict's event) once new labelled data has arrived and the data set has gone
 * {@code edgeloop.data.drift.quiet-period} without ingests, deletions or label changes. A snapshot cut for any other
 * reason satisfies the verdict. Every replica checks; the data set's row lock (taken without waiting) lets one act.
 */
@ApplicationScoped
public class PendingDrifts {
    private static final Logger LOG = Logger.getLogger(PendingDrifts.class);

    /** What one check of a pending verdict did. */
    public enum Outcome {
        /** No pending verdict, or another transaction holds the data set. */
        NONE,
        /** Nothing new since the verdict (or since the last check that found the content unchanged). */
        WAITING_FOR_DATA,
        /** New data, but the data set changed within the quiet period. */
        WAITING_FOR_QUIET,
        /** The drift snapshot was cut; the verdict is done. */
        CUT,
        /** Dropped: too old, or its data set was deleted. */
        DROPPED
    }

    @Inject
    PendingDriftStore store;

    @Inject
    SnapshotService snapshots;

    @Inject
    SampleStore samples;

    @Inject
    DataConfig config;

    @Inject
    Clock clock;

    /** Keeps {@code event} pending on its data set (the caller's transaction, with the event's inbox mark). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void keep(DriftDetected event) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        store.upsert(new PendingDrift(
                event.getDatasetName(),
                event.getMeta().getEventId(),
                event.getModelName(),
                event.getModelVersion(),
                event.getDriftScore(),
                event.getThreshold(),
                now,
                now));
    }

    /**
     * The live data set's pending verdict.
     *
     * @throws ApiException 404 unknown or deleted data set
     */
    @Transactional
    public Optional<PendingDrift> pending(String dataset) {
        DatasetNames.require(dataset);
        if (samples.liveDataset(dataset).isEmpty()) {
            throw ApiException.notFound("no dataset '" + dataset + "'");
        }
        return store.find(dataset);
    }

    /** The scheduler's entry: checks every pending verdict now. */
    @Scheduled(
            identity = "pending-drift-check",
            every = "${edgeloop.data.drift.check-every:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCheck() {
        try {
            check(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf(
                    e,
                    "checking pending drift verdicts failed; next check in %s",
                    config.drift().checkEvery());
        }
    }

    /**
     * Checks every pending verdict as of {@code now}, each in its own transaction.
     *
     * @return what each check did, by data set (oldest verdict first)
     */
    public List<Checked> check(Instant now) {
        List<PendingDrift> all = QuarkusTransaction.requiringNew().call(store::all);
        return all.stream()
                .map(p -> new Checked(
                        p.datasetName(), QuarkusTransaction.requiringNew().call(() -> checkOne(p.datasetName(), now))))
                .toList();
    }

    /** The outcome of one data set's check. */
    public record Checked(String dataset, Outcome outcome) {}

    private Outcome checkOne(String dataset, Instant now) {
        if (!store.tryLockDataset(dataset)) {
            return store.find(dataset).isPresent() ? Outcome.WAITING_FOR_QUIET : Outcome.NONE;
        }
        Optional<PendingDrift> found = store.find(dataset);
        if (found.isEmpty()) {
            return Outcome.NONE;
        }
        PendingDrift p = found.get();
        if (Duration.between(p.detectedAt(), now).compareTo(config.drift().maxPending()) > 0) {
            store.delete(dataset);
            LOG.warnf(
                    "drift on %s (event %s, model %s v%d) dropped: no new labelled data within %s",
                    dataset,
                    p.eventId(),
                    p.modelName(),
                    p.modelVersion(),
                    config.drift().maxPending());
            return Outcome.DROPPED;
        }
        Optional<Instant> last = store.lastActivity(dataset);
        if (last.isEmpty() || !last.get().isAfter(p.checkedThrough())) {
            return Outcome.WAITING_FOR_DATA;
        }
        if (Duration.between(last.get(), now).compareTo(config.drift().quietPeriod()) < 0) {
            return Outcome.WAITING_FOR_QUIET;
        }
        return cut(p, last.get());
    }

    private Outcome cut(PendingDrift p, Instant lastActivity) {
        SnapshotService.CutResult result;
        try {
            result = snapshots.cut(p.datasetName(), "drift", p.eventId());
        } catch (ApiException e) {
            if (e.status() == 404) {
                store.delete(p.datasetName());
                LOG.infof("drift on %s (event %s) dropped: %s", p.datasetName(), p.eventId(), e.getMessage());
                return Outcome.DROPPED;
            }
            if (e.status() >= 500) {
                throw e;
            }
            store.checkedThrough(p.datasetName(), lastActivity); // e.g. every labelled sample deleted: wait
            return Outcome.WAITING_FOR_DATA;
        }
        if (!result.created()) {
            store.checkedThrough(p.datasetName(), lastActivity);
            return Outcome.WAITING_FOR_DATA;
        }
        LOG.infof(
                "drift on %s (model %s v%d, score %.3f > %.3f) was pending for new data: cut %s",
                p.datasetName(),
                p.modelName(),
                p.modelVersion(),
                p.driftScore(),
                p.threshold(),
                SnapshotService.snapshotId(p.datasetName(), result.snapshot().version));
        return Outcome.CUT;
    }
}
