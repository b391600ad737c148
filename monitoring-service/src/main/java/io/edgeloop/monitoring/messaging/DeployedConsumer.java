package io.edgeloop.monitoring.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.kit.outbox.Inbox;
import io.edgeloop.monitoring.domain.DriftMonitor;
import io.edgeloop.proto.events.v1.Deployed;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** On Deployed, makes the event's version the model's monitored version (see {@link DriftMonitor#onDeployed}). */
@ApplicationScoped
public class DeployedConsumer {
    static final String CONSUMER = "monitoring-deployed";

    @Inject
    Inbox inbox;

    @Inject
    DriftMonitor monitor;

    @Incoming(Topics.DEPLOYED)
    @Blocking(ordered = true)
    public void onDeployed(byte[] value) {
        Deployed event = Events.parse(value, Deployed.parser(), Deployed::getMeta);
        if (event.getModelName().isBlank() || event.getModelVersion() < 1) {
            throw new Events.PoisonEventException(
                    "Deployed " + event.getMeta().getEventId() + " needs model_name and model_version >= 1");
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (inbox.firstDelivery(CONSUMER, event.getMeta().getEventId())) {
                monitor.onDeployed(event);
            }
        });
    }
}
