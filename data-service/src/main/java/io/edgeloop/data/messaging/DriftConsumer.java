package io.edgeloop.data.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.data.domain.DatasetNames;
import io.edgeloop.data.domain.SnapshotService;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.proto.events.v1.DriftDetected;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes DriftDetected: cuts a new snapshot of the drifted dataset (trigger "drift", causation = the drift event,
 * new correlation id), through the same code path as the REST API, so the loop retrains. Deduplicated by event id;
 * when nothing changed since the latest snapshot nothing is emitted. Poison records and events naming an unknown
 * dataset or one without samples fail and go to {@code drift-detected-dlq}.
 */
@ApplicationScoped
public class DriftConsumer {
    /** Inbox consumer name. */
    static final String CONSUMER = "data-service.drift-detected";

    private static final Logger LOG = Logger.getLogger(DriftConsumer.class);

    @Inject
    Inbox inbox;

    @Inject
    SnapshotService snapshots;

    /** Handles one DriftDetected record. */
    @Incoming(Topics.DRIFT_DETECTED)
    @Blocking(ordered = true)
    public void onDriftDetected(byte[] value) {
        DriftDetected event = Events.parse(value, DriftDetected.parser(), DriftDetected::getMeta);
        String eventId = event.getMeta().getEventId();
        if (!DatasetNames.isValid(event.getDatasetName())) {
            throw new Events.PoisonEventException(
                    "DriftDetected " + eventId + " has no valid dataset_name: '" + event.getDatasetName() + "'");
        }
        if (inbox.seen(CONSUMER, eventId)) {
            LOG.debugf("DriftDetected %s already processed", eventId);
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (!inbox.firstDelivery(CONSUMER, eventId)) {
                return;
            }
            SnapshotService.CutResult result = snapshots.cut(event.getDatasetName(), "drift", eventId);
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
                LOG.infof(
                        "drift on %s (event %s), but no new samples since %s: nothing to retrain on, no event emitted",
                        event.getDatasetName(), eventId, SnapshotService.snapshotId(s.datasetName, s.version));
            }
        });
    }
}
