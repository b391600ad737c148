package io.edgeloop.registry.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.registry.domain.History;
import io.edgeloop.registry.domain.ProductionAlias;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records every {@code Deployed} event (a rollout wave, its completion, a rollback, a rejection by the promotion
 * gate, a change of the devices serving a version) in the model's history and moves the {@code production} alias
 * on completions and rollbacks ({@link ProductionAlias}), once per event id: both in the transaction that marks
 * the event in the Inbox. A record without a model name, version or event id is poison and goes to the dead-letter
 * topic.
 */
@ApplicationScoped
public class DeployedConsumer {
    static final String CONSUMER = "registry-deployed";

    @Inject
    Inbox inbox;

    @Inject
    History history;

    @Inject
    ProductionAlias production;

    /** Handles one record of {@link Topics#DEPLOYED}. */
    @Incoming(Topics.DEPLOYED)
    @Blocking(ordered = true)
    public void onDeployed(byte[] value) {
        Deployed event = Events.parse(value, Deployed.parser(), Deployed::getMeta);
        if (event.getModelName().isBlank() || event.getModelVersion() < 1) {
            throw new Events.PoisonEventException(
                    "Deployed " + event.getMeta().getEventId() + " needs model_name and model_version >= 1");
        }
        if (event.getModelName().length() > 128) {
            throw new Events.PoisonEventException(
                    "Deployed " + event.getMeta().getEventId() + " has a model name over 128 characters");
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (inbox.firstDelivery(CONSUMER, event.getMeta().getEventId())) {
                history.deployed(event);
                production.onDeployed(event);
            }
        });
    }
}
