package io.edgeloop.monitoring.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.monitoring.domain.ReferenceProfile;
import io.edgeloop.monitoring.grpc.SnapshotProfiler;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import io.edgeloop.proto.events.v1.DataReady;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** On DataReady, profiles the snapshot's TRAIN split and stores it as the drift reference of that snapshot. */
@ApplicationScoped
public class DataReadyConsumer {
    static final String CONSUMER = "monitoring-data-ready";
    private static final Logger LOG = Logger.getLogger(DataReadyConsumer.class);

    @Inject
    Inbox inbox;

    @Inject
    SnapshotProfiler profiler;

    @Inject
    ReferenceStore references;

    @Incoming(Topics.DATA_READY)
    @Blocking(ordered = true)
    public void onDataReady(byte[] value) {
        DataReady event = Events.parse(value, DataReady.parser(), DataReady::getMeta);
        String eventId = event.getMeta().getEventId();
        if (inbox.seen(CONSUMER, eventId)) {
            return;
        }
        if (event.getDatasetName().isBlank() || event.getSnapshotId().isBlank() || event.getDatasetVersion() < 1) {
            throw new Events.PoisonEventException(
                    "DataReady " + eventId + " needs dataset_name, snapshot_id and dataset_version >= 1");
        }
        if (references.find(event.getSnapshotId()).isEmpty()) {
            ReferenceProfile profile = profiler.profile(
                    event.getDatasetName(), event.getDatasetVersion(), event.getSnapshotId(), event.getFeatureCount());
            QuarkusTransaction.requiringNew().run(() -> {
                if (inbox.firstDelivery(CONSUMER, eventId) && references.save(profile, eventId)) {
                    LOG.infof(
                            "reference profile %s stored (%d features, %d TRAIN rows, sample %d)",
                            profile.snapshotId(), profile.featureCount(), profile.trainCount(), profile.sampleSize());
                }
            });
        } else {
            QuarkusTransaction.requiringNew().run(() -> inbox.firstDelivery(CONSUMER, eventId));
        }
    }
}
