package io.edgeloop.data.domain;

import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.data.persistence.LabelStore;
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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * Listing and deletion of samples and data sets. Deletion is soft: a deleted sample or data set keeps its rows for
 * the snapshots that hold it (they serve exactly what they served before), and is hidden from listings, exports and
 * new snapshots. A deleted data set refuses ingests and labels (404) and its name cannot be defined again (409).
 */
@ApplicationScoped
public class Curation {
    private static final Logger LOG = Logger.getLogger(Curation.class);

    @Inject
    SampleStore store;

    @Inject
    LabelStore labels;

    @Inject
    DataConfig config;

    @Inject
    Clock clock;

    /** One page of samples and the id to continue after (null on the last page). */
    public record Page(List<LabelStore.SampleRow> samples, String next) {}

    /**
     * A page of the live samples of a data set, ordered by id.
     *
     * @param labeled true = labelled only, false = unlabeled only, null = all
     * @param after continue after this id (the previous page's {@code next}); null = first page
     * @param limit page size, already checked against {@code curation.max-page-size}
     */
    @Transactional
    public Page page(String dataset, Boolean labeled, String after, int limit) {
        DatasetNames.require(dataset);
        store.liveDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        // one row more than asked tells whether there is a next page
        List<LabelStore.SampleRow> rows = labels.page(dataset, labeled, after, limit + 1);
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<LabelStore.SampleRow> page = rows.subList(0, limit);
        return new Page(List.copyOf(page), page.get(limit - 1).id());
    }

    /**
     * Deletes the named live samples of a data set, all or none.
     *
     * @return how many were deleted (all of them)
     * @throws ApiException 404 unknown or deleted data set, 413 too many ids, 422 listing every missing, duplicate or
     *     unknown id ({@code ids[i]}; an already deleted sample is unknown)
     */
    @Transactional
    public int deleteSamples(String dataset, List<String> ids) {
        DatasetNames.require(dataset);
        Bulk.requireSize(ids.size(), config.curation().maxBulkSize());
        store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        List<String> fields =
                IntStream.range(0, ids.size()).mapToObj(i -> "ids[" + i + "]").toList();
        Set<FieldError> errors = new LinkedHashSet<>();
        List<String> distinct = Bulk.checkIds(ids, fields, errors);
        Set<String> live = labels.liveStates(dataset, distinct).keySet();
        Set<String> checked = new HashSet<>(distinct);
        for (int i = 0; i < ids.size(); i++) {
            if (checked.remove(ids.get(i)) && !live.contains(ids.get(i))) {
                errors.add(new FieldError(
                        fields.get(i), "unknown sample '" + ids.get(i) + "' (no live sample of this data set)"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(
                    "invalid sample ids; nothing was deleted (" + errors.size() + " errors)", new ArrayList<>(errors));
        }
        int deleted = labels.delete(dataset, distinct, now());
        LOG.infof("dataset %s: %d samples deleted", dataset, deleted);
        return deleted;
    }

    /**
     * Deletes a data set: hidden from listings, no more ingests, labels or snapshots; its snapshots stay readable
     * (REST and gRPC).
     *
     * @throws ApiException 404 unknown or already deleted
     */
    @Transactional
    public void deleteDataset(String dataset) {
        DatasetNames.require(dataset);
        DatasetEntity ds =
                store.lockDataset(dataset).orElseThrow(() -> ApiException.notFound("no dataset '" + dataset + "'"));
        ds.deletedAt = now();
        LOG.infof("dataset %s deleted (its snapshots stay readable)", dataset);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
