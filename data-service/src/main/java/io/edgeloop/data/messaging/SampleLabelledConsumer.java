package io.edgeloop.data.messaging;

import io.edgeloop.common.Events;
import io.edgeloop.common.Topics;
import io.edgeloop.common.events.EventContract;
import io.edgeloop.common.events.EventContracts;
import io.edgeloop.data.domain.CapturedSamples;
import io.edgeloop.data.domain.Labeling;
import io.edgeloop.data.domain.SampleCandidate;
import io.edgeloop.data.domain.SampleIngestor;
import io.edgeloop.data.domain.SampleLocation;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.events.EventConsumer;
import io.edgeloop.kit.events.EventHandler;
import io.edgeloop.proto.events.v1.SampleLabelled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes SampleLabelled (ground truth fed back to monitoring for an inference whose input the device captured): the
 * input becomes a labelled sample of the dataset, source {@code feedback:<model>/<inference id>}, validated like any
 * ingest, so the next snapshot (a drift or performance retraining) learns from it. A corrected label for the same
 * inference relabels that sample (with its label history) instead of adding another. An unknown dataset, an input that
 * does not fit the dataset (feature count, non-finite values) or a label the dataset lacks cannot get better by
 * redelivery: poison, dead-lettered to {@code sample-labelled-dlq} with the reason. An input captured before for
 * active learning ({@code SampleCaptured}, an unlabeled sample with a suggestion) is labelled in place: the same
 * inference stays one sample.
 */
@ApplicationScoped
public class SampleLabelledConsumer implements EventHandler<SampleLabelled> {
    private static final Logger LOG = Logger.getLogger(SampleLabelledConsumer.class);
    private static final String PREFIX = "feedback:";

    @Inject
    EventConsumer consumer;

    @Inject
    SampleIngestor ingestor;

    @Inject
    Labeling labeling;

    @Inject
    SampleStore samples;

    @Inject
    CapturedSamples captured;

    /** Handles one SampleLabelled record. */
    @Incoming(Topics.SAMPLE_LABELLED)
    @Blocking(ordered = true)
    public void onSampleLabelled(ConsumerRecord<String, byte[]> record) {
        consumer.accept(record, this);
    }

    @Override
    public EventContract<SampleLabelled> contract() {
        return EventContracts.SAMPLE_LABELLED;
    }

    @Override
    public void apply(SampleLabelled event) {
        String source = source(event.getModelName(), event.getInferenceId());
        String dataset = event.getDatasetName();
        try {
            // the data set's lock first: a SampleCaptured of the same inference is handled before or after this
            samples.lockDataset(dataset);
            Optional<String> stored = samples.liveSampleWithSource(dataset, source)
                    .or(() -> captured.capturedSample(dataset, event.getModelName(), event.getInferenceId()));
            if (stored.isPresent()) {
                List<Labeling.Labeled> done = labeling.label(
                        dataset,
                        List.of(new Labeling.Assignment(stored.get(), "inference_id", event.getLabel(), "label")),
                        PREFIX + event.getDeviceId());
                LOG.debugf("feedback %s relabelled sample %s of %s: %s", source, stored.get(), dataset, done);
                return;
            }
            List<Double> features = new ArrayList<>(event.getFeaturesCount());
            event.getFeaturesList().forEach(f -> features.add(f.doubleValue()));
            SampleCandidate candidate = new SampleCandidate(
                    SampleLocation.upload("features", "SampleLabelled " + event.getInferenceId() + ": "),
                    features,
                    Map.of(),
                    event.getLabel(),
                    source,
                    null);
            var result = ingestor.ingest(dataset, List.of(candidate));
            LOG.debugf("feedback %s: %d sample(s) added to %s", source, result.accepted(), dataset);
        } catch (ApiException e) {
            if (e.status() >= 500) {
                throw e;
            }
            // unknown dataset, a sample that does not fit it or an unknown label: redelivering cannot change that
            throw new Events.PoisonEventException("SampleLabelled "
                    + event.getMeta().getEventId() + " for dataset '" + dataset + "': " + e.getMessage() + describe(e));
        }
    }

    /** The sample's source: {@code feedback:<model>/<inference id>}, or a digest of it beyond 200 characters. */
    static String source(String model, String inferenceId) {
        return CapturedSamples.feedbackSource(model, inferenceId);
    }

    static String describe(ApiException e) {
        var errors = e.toProblem().errors();
        return errors == null || errors.isEmpty()
                ? ""
                : " "
                        + errors.stream()
                                .limit(3)
                                .map(f -> f.field() + ": " + f.message())
                                .toList();
    }
}
