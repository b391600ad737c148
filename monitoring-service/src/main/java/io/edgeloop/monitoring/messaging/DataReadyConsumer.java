package io.edgeloop.monitoring.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.monitoring.domain.ReferenceJobs;
import io.edgeloop.proto.events.v1.DataReady;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * On DataReady, enqueues a durable job (one per snapshot) that profiles the snapshot's TRAIN split and stores it as
 * the drift reference of that snapshot ({@link ReferenceJobs}), in the transaction that marks the event processed.
 */
@ApplicationScoped
public class DataReadyConsumer implements EventHandler<DataReady> {
    @Inject
    EventConsumer consumer;

    @Inject
    Jobs jobs;

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
        jobs.enqueue(ReferenceJobs.KIND, event.getSnapshotId(), event.toByteArray());
    }
}
