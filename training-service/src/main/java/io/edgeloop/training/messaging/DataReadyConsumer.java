package io.edgeloop.training.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.DataReady;
import io.edgeloop.training.domain.TrainingPipeline;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Turns every DataReady event into a queued training run and its durable {@code train} job, once per event id, in
 * the transaction that marks the event processed. Training itself runs on a job worker (any replica), so a crash
 * during a run does not lose it. Poison records go to the dead-letter topic {@code data-ready-dlq}.
 */
@ApplicationScoped
public class DataReadyConsumer implements EventHandler<DataReady> {
    private static final Logger LOG = Logger.getLogger(DataReadyConsumer.class);

    @Inject
    EventConsumer consumer;

    @Inject
    TrainingPipeline pipeline;

    /** Handles one DataReady record. */
    @Incoming(Topics.DATA_READY)
    @Blocking(ordered = true)
    public void onDataReady(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<DataReady> contract() {
        return EventContracts.DATA_READY;
    }

    @Override
    public void apply(DataReady event) {
        String runId = pipeline.queueForEvent(event);
        LOG.infof("DataReady %s (%s): run %s queued", event.getMeta().getEventId(), event.getSnapshotId(), runId);
    }
}
