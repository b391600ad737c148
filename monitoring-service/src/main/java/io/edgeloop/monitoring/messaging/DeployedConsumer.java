package io.edgeloop.monitoring.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.monitoring.domain.DriftMonitor;
import io.edgeloop.proto.events.v1.Deployed;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns from every Deployed event which model version (and reference snapshot) each device serves. */
@ApplicationScoped
public class DeployedConsumer implements EventHandler<Deployed> {
    @Inject
    EventConsumer consumer;

    @Inject
    DriftMonitor monitor;

    @Incoming(Topics.DEPLOYED)
    @Blocking(ordered = true)
    public void onDeployed(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<Deployed> contract() {
        return EventContracts.DEPLOYED;
    }

    @Override
    public void apply(Deployed event) {
        monitor.onDeployed(event);
    }
}
