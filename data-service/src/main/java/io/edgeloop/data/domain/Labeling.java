package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.LabelStore;
import io.edgeloop.data.persistence.LabelStore.LabelState;
import io.edgeloop.data.persistence.LabelStore.LabelUpdate;
import io.edgeloop.data.persistence.SampleStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Labels and relabels live samples, all-or-nothing, recording every change (sample, old label, new label, who,
 * when). A sample labelled for the first time gets its split then (stratified, as at ingest, in id order); a
 * relabelled sample keeps its split. Snapshots are unaffected: each keeps the labels its members had when it was cut.
 */
@ApplicationScoped
public class Labeling {
    private static final Logger LOG = Logger.getLogger(Labeling.class);

    @Inject
    SampleStore store;

    @Inject
    LabelStore labels;

    @Inject
    SampleKeys keys;

    @Inject
    DataConfig config;

    @Inject
    Clock clock;

    /**
     * One requested label, with the request fields that errors about it name.
     *
     * @param id sample id
     * @param idField e.g. {@code ids[3]} or {@code labels[3].id}
     * @param label the new label
     * @param labelField e.g. {@code label} or {@code labels[3].label}
     */
    public record Assignment(String id, String idField, String label, String labelField) {}

    /**
     * What happened to one sample.
     *
     * @param previousLabel null when it was unlabeled
     * @param split the sample's split ({@code train}, {@code validation}, {@code test})
     * @param changed false when it already had that label (nothing recorded)
     */
    public record Labeled(String id, String previousLabel, String label, String split, boolean changed) {}

    /**
     * Applies every assignment or none.
     *
     * @param who the caller's principal name, recorded with each change
     * @throws ApiException 404 unknown or deleted data set, 413 more than {@code curation.max-bulk-size}, 422 listing
     *     every missing, duplicate or unknown id and every missing or unknown label (nothing changed)
     */
    @Transactional
    public List<Labeled> label(String dataset, List<Assignment> assignments, String who) {
        DatasetNames.require(dataset);
        Bulk.requireSize(assignments.size(), config.curation().maxBulkSize());
        DatasetEntity ds =
                store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        List<String> known = List.of(ds.labels);
        Set<FieldError> errors = new LinkedHashSet<>();
        List<String> ids = Bulk.checkIds(
                assignments.stream().map(Assignment::id).toList(),
                assignments.stream().map(Assignment::idField).toList(),
                errors);
        for (Assignment a : assignments) {
            if (a.label() == null || a.label().isEmpty()) {
                errors.add(new FieldError(a.labelField(), "missing label"));
            } else if (!known.contains(a.label())) {
                errors.add(new FieldError(
                        a.labelField(), "unknown label '" + a.label() + "' (known: " + String.join(", ", known) + ")"));
            }
        }
        Map<String, LabelState> states = labels.liveStates(dataset, ids);
        Set<String> wellFormed = new java.util.HashSet<>(ids);
        for (Assignment a : assignments) {
            if (wellFormed.contains(a.id()) && !states.containsKey(a.id())) {
                errors.add(new FieldError(
                        a.idField(), "unknown sample '" + a.id() + "' (no live sample of this data set)"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(
                    "invalid labels; nothing was changed (" + errors.size() + " errors)", List.copyOf(errors));
        }
        return apply(ds, assignments, states, who);
    }

    /** Writes the changed labels; first labels get a split, in id order. */
    private List<Labeled> apply(
            DatasetEntity ds, List<Assignment> assignments, Map<String, LabelState> states, String who) {
        List<String> known = List.of(ds.labels);
        SplitPlanner planner = keys.planner(store.splitCounts(ds.name, known.size()));
        Map<String, Short> newSplits = new HashMap<>();
        assignments.stream()
                .filter(a -> states.get(a.id()).labelIndex() == null)
                .sorted(Comparator.comparing(Assignment::id))
                .forEach(a -> newSplits.put(
                        a.id(), planner.assign(known.indexOf(a.label())).code()));
        List<LabelUpdate> updates = new ArrayList<>();
        Map<String, String> oldLabels = new HashMap<>();
        List<Labeled> out = new ArrayList<>(assignments.size());
        for (Assignment a : assignments) {
            LabelState s = states.get(a.id());
            short index = (short) known.indexOf(a.label());
            boolean changed = s.labelIndex() == null || s.labelIndex() != index;
            short split = newSplits.getOrDefault(a.id(), s.split());
            if (changed) {
                updates.add(new LabelUpdate(a.id(), index, a.label(), split));
                oldLabels.put(a.id(), s.label());
            }
            out.add(new Labeled(
                    a.id(), s.label(), a.label(), Split.ofCode(split).label(), changed));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        labels.relabel(ds.name, updates, oldLabels, who, now);
        LOG.infof(
                "dataset %s: %d labels changed by %s (%d unchanged)",
                ds.name, updates.size(), who, assignments.size() - updates.size());
        return out;
    }

    /** Every label change of a sample of the data set, oldest first; 404 unknown data set or sample. */
    @Transactional
    public List<LabelStore.LabelChange> history(String dataset, String id) {
        DatasetNames.require(dataset);
        store.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        if (!labels.exists(dataset, id)) {
            throw ApiException.notFound("no sample '" + id + "' in dataset '" + dataset + "'");
        }
        return labels.history(id);
    }

    /** Whether {@code id} is a live sample of the (live) data set; 404 for an unknown data set. */
    @Transactional
    public boolean isLiveSample(String dataset, String id) {
        DatasetNames.require(dataset);
        store.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        return !labels.liveStates(dataset, List.of(id)).isEmpty();
    }
}
