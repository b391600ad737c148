package io.edgeloop.data.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.ProtoTime;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SuggestionStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.proto.events.v1.SampleCaptured;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Active learning's samples: an input a device captured because the served model was unsure of it ({@code
 * SampleCaptured}) is stored as an <em>unlabeled</em> sample of the data set (validated like any ingest), source
 * {@code capture:<model>/<version>/<device>/<inference id>}, linked to that inference with the served version's
 * prediction as a suggested label and its confidence ({@code sample_suggestion}). One sample per (data set, model,
 * inference id): the same inference again stores nothing, nor does one whose ground truth already became a feedback
 * sample; ground truth arriving later labels this sample ({@link #capturedSample}).
 */
@ApplicationScoped
public class CapturedSamples {
    private static final Logger LOG = Logger.getLogger(CapturedSamples.class);

    /** Source prefix of captured samples. */
    public static final String PREFIX = "capture:";

    /** Source prefix of samples from labelled feedback ({@code SampleLabelled}). */
    public static final String FEEDBACK_PREFIX = "feedback:";

    @Inject
    SampleStore samples;

    @Inject
    SuggestionStore suggestions;

    @Inject
    SampleIngestor ingestor;

    @Inject
    Clock clock;

    /** What became of a captured input. */
    public enum Outcome {
        /** Stored as an unlabeled sample with its suggestion. */
        STORED,
        /** The inference has a sample already (captured before, or labelled by feedback first): nothing stored. */
        KNOWN,
        /** Its features were stored before as another sample (a {@code drop} data set): no second sample. */
        DUPLICATE
    }

    /**
     * Stores {@code event} as an unlabeled sample with its suggestion, in one transaction holding the data set's lock
     * (so that a SampleLabelled for the same inference handled at the same time sees it, or is seen).
     *
     * @throws ApiException 404 unknown data set, 422 an input that does not fit it (the consumer dead-letters both)
     */
    @Transactional
    public Outcome store(SampleCaptured event) {
        String dataset = event.getDatasetName();
        DatasetEntity ds =
                samples.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        if (suggestions.known(dataset, event.getModelName(), event.getInferenceId())
                || samples.liveSampleWithSource(dataset, feedbackSource(event.getModelName(), event.getInferenceId()))
                        .isPresent()) {
            return Outcome.KNOWN;
        }
        String source = source(event);
        List<Double> features = new ArrayList<>(event.getFeaturesCount());
        event.getFeaturesList().forEach(f -> features.add(f.doubleValue()));
        SampleCandidate candidate = new SampleCandidate(
                SampleLocation.upload("features", "SampleCaptured " + event.getInferenceId() + ": "),
                features,
                Map.of(),
                null,
                source,
                null);
        ingestor.ingest(dataset, List.of(candidate));
        Optional<String> id = samples.liveSampleWithSource(dataset, source);
        if (id.isEmpty()) {
            LOG.debugf("captured %s: the same features are a sample of %s already (drop mode)", source, dataset);
            return Outcome.DUPLICATE;
        }
        String predicted = event.getPredictedLabel();
        String suggestion = List.of(ds.labels).contains(predicted) ? predicted : null;
        suggestions.insert(
                SuggestionStore.Suggestion.captured(
                        id.get(),
                        dataset,
                        event.getModelName(),
                        event.getModelVersion(),
                        event.getDeviceId(),
                        event.getInferenceId(),
                        suggestion,
                        event.getConfidence(),
                        event.hasInferredAt() ? ProtoTime.toInstant(event.getInferredAt()) : null),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        LOG.debugf(
                "captured %s stored as unlabeled sample %s of %s (suggested %s)",
                source, id.get(), dataset, suggestion);
        return Outcome.STORED;
    }

    /** The live sample captured for this inference of the model, if any (caller's transaction). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> capturedSample(String dataset, String model, String inferenceId) {
        return suggestions.liveSample(dataset, model, inferenceId);
    }

    /** The source of a captured sample: {@code capture:<model>/<version>/<device>/<inference id>}. */
    public static String source(SampleCaptured e) {
        return bounded(
                PREFIX,
                e.getModelName() + "/" + e.getModelVersion() + "/" + e.getDeviceId() + "/" + e.getInferenceId());
    }

    /** The source of a feedback sample: {@code feedback:<model>/<inference id>}. */
    public static String feedbackSource(String model, String inferenceId) {
        return bounded(FEEDBACK_PREFIX, model + "/" + inferenceId);
    }

    /** {@code prefix + rest}, or the prefix and a digest of it beyond 200 characters (the source column's size). */
    static String bounded(String prefix, String rest) {
        String s = prefix + rest;
        return s.length() <= 200 ? s : prefix + Hashing.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }
}
