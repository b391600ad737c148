package io.edgeloop.data.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.data.domain.DatasetNames;
import io.edgeloop.data.domain.PendingDrifts;
import io.edgeloop.data.domain.SnapshotService;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes DriftDetected: cuts a new snapshot of the drifted dataset (trigger "drift", causation = the drift event,
 * new correlation id), through the same code path as the REST API, so the loop retrains. The snapshot, its DataReady
 * and the inbox mark commit in one transaction; when nothing changed since the latest snapshot nothing is emitted and
 * the verdict is kept pending ({@link PendingDrifts}) until new labelled data has arrived.
 * Poison records and events naming an unknown dataset or one without samples go to {@code drift-detected-dlq}.
 */
@ApplicationScoped
public class DriftConsumer implements EventHandler<DriftDetected> {
    private static final Logger LOG = Logger.getLogger(DriftConsumer.class);

    @Inject
    EventConsumer consumer;

    @Inject
    SnapshotService snapshots;

    @Inject
    PendingDrifts pending;

    /** Handles one DriftDetected record. */
    @Incoming(Topics.DRIFT_DETECTED)
    @Blocking(ordered = true)
    public void onDriftDetected(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<DriftDetected> contract() {
        return EventContracts.DRIFT_DETECTED;
    }

    @Override
    public void apply(DriftDetected event) {
        String eventId = event.getMeta().getEventId();
        if (!DatasetNames.isValid(event.getDatasetName())) {
            throw new Events.PoisonEventException(
                    "DriftDetected " + eventId + " has no valid dataset_name: '" + event.getDatasetName() + "'");
        }
        SnapshotService.CutResult result;
        try {
            result = snapshots.cut(event.getDatasetName(), "drift", eventId);
        } catch (ApiException e) {
            if (e.status() >= 500) {
                throw e;
            }
            // an unknown dataset or one without samples: redelivering cannot change that
            throw new Events.PoisonEventException("DriftDetected " + eventId + ": " + e.getMessage());
        }
        var s = result.snapshot();
        if (result.created()) {
            LOG.infof(
                    "drift on %s (model %s v%d, score %.3f > %.3f): cut %s",
                    event.getDatasetName(),
                    event.getModelName(),
                    event.getModelVersion(),
                    event.getDriftScore(),
                    event.getThreshold(),
                    SnapshotService.snapshotId(s.datasetName, s.version));
        } else {
            pending.keep(event);
            LOG.infof(
                    "drift on %s (event %s), but no new samples since %s: kept pending until new labelled data has"
                            + " arrived and the data set is quiet",
                    event.getDatasetName(), eventId, SnapshotService.snapshotId(s.datasetName, s.version));
        }
    }
}
