package io.edgeloop.registry.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.registry.domain.History;
import io.edgeloop.registry.domain.ProductionAlias;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records every {@code Deployed} event (a rollout wave, its completion, a rollback, a rejection by the promotion
 * gate, a change of the devices serving a version) in the model's history and moves the {@code production} alias
 * on completions and rollbacks ({@link ProductionAlias}), once per event id: both in the transaction that marks
 * the event in the inbox. A record that breaks the Deployed contract is poison and goes to the dead-letter topic.
 */
@ApplicationScoped
public class DeployedConsumer implements EventHandler<Deployed> {
    @Inject
    EventConsumer consumer;

    @Inject
    History history;

    @Inject
    ProductionAlias production;

    /** Handles one record of {@link Topics#DEPLOYED}. */
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
        history.deployed(event);
        production.onDeployed(event);
    }
}
