package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.LabelStore;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.data.persistence.SuggestionStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The labeling queue of a data set and bulk confirmation of its suggestions. The queue is the live unlabeled samples,
 * those with a suggestion (captured inputs, pre-labelled by the served model) least confident first, then the others
 * by id, paged by the last sample of the previous page. Confirming accepts each sample's suggested label, or a label
 * given per sample instead, through {@link Labeling} (all or nothing, with label history under the caller's name);
 * samples labelled since they were listed (e.g. by ground truth fed back meanwhile) are left as they are and named.
 */
@ApplicationScoped
public class LabelQueue {
    @Inject
    SampleStore store;

    @Inject
    SuggestionStore suggestions;

    @Inject
    LabelStore labels;

    @Inject
    Labeling labeling;

    @Inject
    DataConfig config;

    /** A page of the queue; {@code next} is the {@code after} of the next page, null on the last. */
    public record Page(List<SuggestionStore.Queued> samples, String next) {}

    /**
     * One sample to confirm, with the request fields that errors about it name.
     *
     * @param label the label to give instead of the suggestion, or null to accept the suggestion
     */
    public record Confirmation(String id, String idField, String label, String labelField) {}

    /**
     * What a confirmation did.
     *
     * @param accepted samples labelled with their suggestion
     * @param overridden samples labelled with the label given instead
     * @param alreadyLabelled samples that had a label already (left as they are), in request order
     */
    public record Confirmed(int accepted, int overridden, List<String> alreadyLabelled) {}

    /**
     * A page of the queue of {@code dataset} after sample {@code after} (null = from the start).
     *
     * @throws ApiException 404 unknown data set, 422 {@code after} that is no sample of it
     */
    @Transactional
    public Page page(String dataset, String after, int limit) {
        DatasetNames.require(dataset);
        store.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        Double key = null;
        if (after != null) {
            key = suggestions
                    .queueKey(dataset, after)
                    .orElseThrow(() -> ApiException.invalid(
                            "invalid query", List.of(new FieldError("after", "no sample '" + after + "' here"))));
        }
        List<SuggestionStore.Queued> rows = suggestions.queue(dataset, key, after, limit + 1);
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<SuggestionStore.Queued> page = List.copyOf(rows.subList(0, limit));
        return new Page(page, page.get(limit - 1).sample().id());
    }

    /**
     * Labels the given samples with their suggestion or the label given instead, all or none.
     *
     * @param who the caller's principal name, recorded with each change
     * @throws ApiException 404 unknown data set, 413 more than {@code curation.max-bulk-size}, 422 listing every
     *     missing, duplicate or unknown id, every sample without a suggestion and without a label given, and every
     *     unknown label (nothing changed)
     */
    @Transactional
    public Confirmed confirm(String dataset, List<Confirmation> items, String who) {
        DatasetNames.require(dataset);
        Bulk.requireSize(items.size(), config.curation().maxBulkSize());
        store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        Set<FieldError> errors = new LinkedHashSet<>();
        List<String> ids = Bulk.checkIds(
                items.stream().map(Confirmation::id).toList(),
                items.stream().map(Confirmation::idField).toList(),
                errors);
        Map<String, LabelStore.LabelState> states = labels.liveStates(dataset, ids);
        Map<String, String> suggested = suggestions.suggestedLabels(dataset, ids);
        Set<String> wellFormed = new java.util.HashSet<>(ids);
        List<Labeling.Assignment> assignments = new ArrayList<>();
        List<String> already = new ArrayList<>();
        int overridden = 0;
        for (Confirmation c : items) {
            if (!wellFormed.contains(c.id())) {
                continue;
            }
            LabelStore.LabelState state = states.get(c.id());
            if (state == null) {
                errors.add(new FieldError(
                        c.idField(), "unknown sample '" + c.id() + "' (no live sample of this data set)"));
            } else if (state.labelIndex() != null) {
                already.add(c.id());
            } else if (c.label() != null) {
                assignments.add(new Labeling.Assignment(c.id(), c.idField(), c.label(), c.labelField()));
                overridden++;
            } else if (suggested.containsKey(c.id())) {
                assignments.add(new Labeling.Assignment(c.id(), c.idField(), suggested.get(c.id()), c.labelField()));
            } else {
                errors.add(new FieldError(c.idField(), "sample '" + c.id() + "' has no suggested label: give a label"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(
                    "invalid confirmation; nothing was changed (" + errors.size() + " errors)", List.copyOf(errors));
        }
        if (!assignments.isEmpty()) {
            labeling.label(dataset, assignments, who);
        }
        return new Confirmed(assignments.size() - overridden, overridden, List.copyOf(already));
    }
}
