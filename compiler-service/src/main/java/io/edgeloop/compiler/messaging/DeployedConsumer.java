package io.edgeloop.compiler.messaging;

import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.SuggestionRescorer;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.kit.jobs.Jobs;
import io.edgeloop.proto.events.v1.Deployed;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Active learning: a rollout that completed or was rolled back becomes a durable {@code rescore} job (one per event),
 * in the transaction that marks the event processed; {@link SuggestionRescorer} runs it. Other phases, and every
 * event while {@code edgeloop.compiler.rescoring.enabled} is false, change nothing. Unusable records go to the
 * dead-letter topic.
 */
@ApplicationScoped
public class DeployedConsumer implements EventHandler<Deployed> {
    @Inject
    EventConsumer consumer;

    @Inject
    Jobs jobs;

    @Inject
    CompilerConfig config;

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
        if (config.rescoring().enabled() && SuggestionRescorer.triggers(event)) {
            jobs.enqueue(
                    SuggestionRescorer.JOB_KIND,
                    event.getModelName() + "/" + event.getMeta().getEventId(),
                    event.toByteArray());
        }
    }
}
