package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SuggestionStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Active learning's re-scoring: the captured inputs of a model still waiting for a label, paged by sample id, and
 * their suggestions replaced by a newer production version's predictions (compiler-service runs the model). A
 * prediction naming no label of the data set leaves the sample without a suggested label (its confidence still
 * orders the queue), as at capture. Samples labelled or deleted meanwhile are skipped, not errors.
 */
@ApplicationScoped
public class SuggestionRescoring {
    private static final int MAX_NAME = 128;

    @Inject
    SampleStore samples;

    @Inject
    SuggestionStore suggestions;

    @Inject
    DataConfig config;

    @Inject
    Clock clock;

    /** A page of captured inputs; {@code next} is the {@code after} of the next page, null on the last. */
    public record Page(List<SuggestionStore.Captured> samples, String next, List<String> classLabels) {}

    /** What a re-scoring request did. */
    public record Outcome(int updated, int skipped) {}

    /** One prediction of a re-scoring request, with the request field that errors about it name. */
    public record Prediction(String sampleId, String predictedLabel, float confidence, String field) {}

    /**
     * Up to {@code pageSize} (0 = the stream default) live unlabeled samples of {@code dataset} captured for {@code
     * model}, after sample {@code after} (null = from the start), leaving out those already scored by {@code
     * notScoredBy} (0 = none).
     *
     * @throws ApiException 404 unknown data set, 422 naming {@code dataset_name}, {@code model_name}, {@code
     *     not_scored_by_version} or {@code page_size}
     */
    @Transactional
    public Page page(String dataset, String model, int notScoredBy, String after, int pageSize) {
        List<FieldError> errors = new ArrayList<>();
        checkNames(dataset, model, errors);
        if (notScoredBy < 0) {
            errors.add(new FieldError("not_scored_by_version", "must be >= 0 (0 = list every sample)"));
        }
        int max = config.stream().maxBatchSize();
        if (pageSize < 0 || pageSize > max) {
            errors.add(new FieldError("page_size", "must be 0 (default) to " + max + ", got " + pageSize));
        }
        if (after != null && after.length() > Bulk.MAX_ID_LENGTH) {
            errors.add(new FieldError("after_sample_id", "not a sample id"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid request", errors);
        }
        DatasetEntity ds =
                samples.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        int limit = pageSize == 0 ? config.stream().defaultBatchSize() : pageSize;
        List<SuggestionStore.Captured> rows = suggestions.captured(dataset, model, notScoredBy, after, limit + 1);
        List<String> labels = List.of(ds.labels);
        if (rows.size() <= limit) {
            return new Page(rows, null, labels);
        }
        List<SuggestionStore.Captured> page = List.copyOf(rows.subList(0, limit));
        return new Page(page, page.get(limit - 1).sampleId(), labels);
    }

    /**
     * Replaces the suggestions of those samples that are live, unlabeled and captured for {@code model} with {@code
     * version}'s predictions, all in one transaction holding the data set's lock (as labelling does).
     *
     * @throws ApiException 404 unknown data set, 413 more than {@code curation.max-bulk-size} predictions, 422 naming
     *     every bad field (nothing changed)
     */
    @Transactional
    public Outcome rescore(String dataset, String model, int version, List<Prediction> predictions) {
        List<FieldError> errors = new ArrayList<>();
        checkNames(dataset, model, errors);
        if (version < 1) {
            errors.add(new FieldError("model_version", "must be >= 1, got " + version));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid request", errors);
        }
        Bulk.requireSize(predictions.size(), config.curation().maxBulkSize(), "predictions");
        Set<FieldError> itemErrors = new LinkedHashSet<>();
        Bulk.checkIds(
                predictions.stream().map(Prediction::sampleId).toList(),
                predictions.stream().map(p -> p.field() + ".sample_id").toList(),
                itemErrors);
        for (Prediction p : predictions) {
            if (!Float.isFinite(p.confidence()) || p.confidence() < 0f || p.confidence() > 1f) {
                itemErrors.add(new FieldError(p.field() + ".confidence", "must be a probability in [0, 1]"));
            }
            if (p.predictedLabel() != null && p.predictedLabel().length() > MAX_NAME) {
                itemErrors.add(new FieldError(p.field() + ".predicted_label", "at most " + MAX_NAME + " characters"));
            }
        }
        if (!itemErrors.isEmpty()) {
            throw ApiException.invalid(
                    "invalid predictions; nothing was changed (" + itemErrors.size() + " errors)",
                    List.copyOf(itemErrors));
        }
        DatasetEntity ds =
                samples.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        List<String> labels = List.of(ds.labels);
        List<SuggestionStore.Rescore> rows = predictions.stream()
                .map(p -> new SuggestionStore.Rescore(
                        p.sampleId(), labels.contains(p.predictedLabel()) ? p.predictedLabel() : null, p.confidence()))
                .toList();
        int updated = suggestions.rescore(
                dataset, model, version, rows, clock.instant().truncatedTo(ChronoUnit.MICROS));
        return new Outcome(updated, predictions.size() - updated);
    }

    private static void checkNames(String dataset, String model, List<FieldError> errors) {
        if (dataset == null || !DatasetNames.isValid(dataset)) {
            errors.add(new FieldError("dataset_name", "not a valid dataset name"));
        }
        if (model == null || model.isBlank() || model.length() > MAX_NAME) {
            errors.add(new FieldError("model_name", "required, at most " + MAX_NAME + " characters"));
        }
    }
}
