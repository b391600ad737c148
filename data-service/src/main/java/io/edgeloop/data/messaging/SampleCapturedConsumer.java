package io.edgeloop.data.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.data.domain.CapturedSamples;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.SampleCaptured;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes SampleCaptured (active learning: an input the served model was unsure of, published by monitoring): an
 * unlabeled sample of the data set with the prediction as its suggested label ({@link CapturedSamples}), listed in the
 * labeling queue ({@code GET /datasets/{name}/queue}). Inbox-deduplicated; the same inference again stores nothing.
 * An unknown data set or an input that does not fit it (feature count, non-finite values, an outlier) cannot get
 * better by redelivery: poison, dead-lettered to {@code sample-captured-dlq} with the reason.
 */
@ApplicationScoped
public class SampleCapturedConsumer implements EventHandler<SampleCaptured> {
    private static final Logger LOG = Logger.getLogger(SampleCapturedConsumer.class);

    @Inject
    EventConsumer consumer;

    @Inject
    CapturedSamples captured;

    /** Handles one SampleCaptured record. */
    @Incoming(Topics.SAMPLE_CAPTURED)
    @Blocking(ordered = true)
    public void onSampleCaptured(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<SampleCaptured> contract() {
        return EventContracts.SAMPLE_CAPTURED;
    }

    @Override
    public void apply(SampleCaptured event) {
        try {
            CapturedSamples.Outcome outcome = captured.store(event);
            LOG.debugf(
                    "SampleCaptured %s (%s/%s): %s",
                    event.getMeta().getEventId(), event.getModelName(), event.getInferenceId(), outcome);
        } catch (ApiException e) {
            if (e.status() >= 500) {
                throw e;
            }
            throw new Events.PoisonEventException(
                    "SampleCaptured " + event.getMeta().getEventId() + " for dataset '" + event.getDatasetName() + "': "
                            + e.getMessage() + SampleLabelledConsumer.describe(e));
        }
    }
}
