package io.edgeloop.data.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.config.DataConfig;
import io.edgeloop.data.domain.DatasetStats;
import io.edgeloop.data.domain.IngestLog;
import io.edgeloop.data.domain.PendingDrifts;
import io.edgeloop.data.domain.Split;
import io.edgeloop.data.persistence.IngestLogStore.IngestRow;
import io.edgeloop.data.persistence.IngestLogStore.Rejection;
import io.edgeloop.data.persistence.PendingDriftStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * REST API over what a data set holds and how it got there: statistics from SQL aggregates (samples per class and
 * split, a histogram and moments per feature) and the ingest log (one entry per ingest request, newest first).
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class InsightResource {
    @Inject
    DatasetStats stats;

    @Inject
    IngestLog ingestLog;

    @Inject
    DataConfig config;

    @Inject
    PendingDrifts pendingDrifts;

    /**
     * Drift on a data set as data-service sees it.
     *
     * @param pending a drift verdict that found nothing new to retrain on and waits for new labelled data and a quiet
     *     data set before its snapshot is cut; null when none waits
     */
    public record DriftView(String datasetName, PendingDriftStore.PendingDrift pending) {}

    /**
     * A logged ingest request.
     *
     * @param outcome {@code stored} (its samples were stored in the same transaction; {@code accepted} may be 0 when
     *     every row was stored before) or {@code rejected} (refused as a whole, nothing stored)
     * @param status the HTTP status the request was answered with
     * @param rows rows received (JSON samples, CSV data rows, recording windows, 1 for an image); 0 when the request
     *     was refused before its rows were read
     * @param rejected rows refused as invalid
     * @param detail why a refused request was refused
     * @param rejections the first reasons ({@code edgeloop.data.ingest-log.max-reasons})
     */
    public record IngestView(
            long id,
            String datasetName,
            Instant receivedAt,
            Instant finishedAt,
            String subject,
            String format,
            String source,
            String outcome,
            int status,
            long rows,
            long accepted,
            long rejected,
            long duplicates,
            String detail,
            List<Rejection> rejections) {
        static IngestView of(IngestRow r) {
            return new IngestView(
                    r.id(),
                    r.dataset(),
                    r.receivedAt(),
                    r.finishedAt(),
                    r.subject(),
                    r.format(),
                    r.source(),
                    r.outcome(),
                    r.status(),
                    r.rows(),
                    r.accepted(),
                    r.rejected(),
                    r.duplicates(),
                    r.detail(),
                    r.rejections());
        }
    }

    /**
     * Statistics of a live data set: samples per class and split, and per feature count, min, max, mean, std and a
     * histogram of {@code bins} (default {@code stats.default-bins}) equal bins between min and max. {@code split}
     * ({@code train}, {@code validation}, {@code test}) restricts them to one split (unlabeled samples have none).
     * 422 naming {@code split} / {@code bins}, 404 unknown data set.
     */
    @GET
    @Path("/{name}/stats")
    public DatasetStats.Stats stats(
            @PathParam("name") String name, @QueryParam("split") String split, @QueryParam("bins") String bins) {
        QueryParams q = new QueryParams();
        Split which = null;
        if (split != null) {
            String s = split.trim().toLowerCase(Locale.ROOT);
            for (Split candidate : Split.values()) {
                if (candidate.label().equals(s)) {
                    which = candidate;
                }
            }
            if (which == null) {
                q.add("split", "must be train, validation or test, got '" + split + "'");
            }
        }
        int max = config.stats().maxBins();
        Integer n = q.integer("bins", bins);
        if (n != null && (n < 1 || n > max)) {
            q.add("bins", "must be 1 to " + max + ", got " + n);
        }
        q.done();
        return stats.of(name, which, n == null ? Math.min(config.stats().defaultBins(), max) : n);
    }

    /**
     * The newest logged ingest requests of a live data set, newest first: {@code limit} (default {@code
     * ingest-log.default-page-size}, at most {@code ingest-log.retention}). 422 naming {@code limit}, 404 unknown
     * data set.
     */
    @GET
    @Path("/{name}/ingests")
    public List<IngestView> ingests(@PathParam("name") String name, @QueryParam("limit") String limit) {
        QueryParams q = new QueryParams();
        int max = config.ingestLog().retention();
        Integer size = q.integer("limit", limit);
        if (size != null && (size < 1 || size > max)) {
            q.add("limit", "must be 1 to " + max + ", got " + size);
        }
        q.done();
        int n = size == null ? Math.min(config.ingestLog().defaultPageSize(), max) : size;
        return ingestLog.newest(name, n).stream().map(IngestView::of).toList();
    }

    /**
     * Whether a drift verdict waits on a live data set for new labelled data (see {@code edgeloop.data.drift.*}); 404
     * unknown data set.
     */
    @GET
    @Path("/{name}/drift")
    public DriftView drift(@PathParam("name") String name) {
        return new DriftView(name, pendingDrifts.pending(name).orElse(null));
    }
}
