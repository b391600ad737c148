package io.edgeloop.training.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.training.domain.TrainingPipeline;
import io.edgeloop.training.persistence.TrainingRun;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Trains a model for every DataReady event, once per event id. Poison records and runs that failed transiently (a
 * gRPC peer unavailable after retries) go to the dead-letter topic {@code data-ready-dlq}.
 */
@ApplicationScoped
public class DataReadyConsumer {
    private static final Logger LOG = Logger.getLogger(DataReadyConsumer.class);

    @Inject
    Inbox inbox;

    @Inject
    TrainingPipeline pipeline;

    /** Handles one DataReady record (protobuf bytes). */
    @Incoming(Topics.DATA_READY)
    @Blocking(ordered = true)
    public void onDataReady(byte[] value) {
        DataReady event = Events.parse(value, DataReady.parser(), DataReady::getMeta);
        if (event.getDatasetName().isBlank() || event.getDatasetVersion() < 1) {
            throw new Events.PoisonEventException(
                    "DataReady " + event.getMeta().getEventId() + " needs a dataset_name and a dataset_version >= 1");
        }
        if (inbox.seen(TrainingPipeline.CONSUMER, event.getMeta().getEventId())) {
            LOG.infof(
                    "DataReady %s already processed, skipping", event.getMeta().getEventId());
            return;
        }
        TrainingRun run = pipeline.trainForEvent(event);
        LOG.infof(
                "DataReady %s (%s): run %s %s",
                event.getMeta().getEventId(), event.getSnapshotId(), run.id, run.status);
    }
}
