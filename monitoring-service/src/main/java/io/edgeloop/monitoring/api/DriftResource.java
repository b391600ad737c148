package io.edgeloop.monitoring.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.monitoring.domain.ConfidenceDrift;
import io.edgeloop.monitoring.domain.DriftHistory;
import io.edgeloop.monitoring.domain.DriftMonitor;
import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.PerformanceMonitor;
import io.edgeloop.monitoring.domain.PredictionDrift;
import io.edgeloop.monitoring.persistence.DriftHistoryStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /models/{name}/drift}: drift of the deployed version's observation buffer, computed now; {@code GET
 * /models/{name}/drift/history}: the drift evaluations recorded over time.
 */
@Path("/models/{name}/drift")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class DriftResource {
    @Inject
    DriftMonitor monitor;

    @Inject
    PerformanceMonitor performance;

    @Inject
    DriftHistoryStore historyStore;

    /**
     * Drift of a model.
     *
     * @param modelName name
     * @param modelVersion deployed version
     * @param referenceSnapshotId training snapshot of that version
     * @param sampleCount observed rows in the buffer
     * @param driftScore the rule's score (largest KS statistic, or share of drifted features), -1 when not computed
     * @param threshold what the score is compared with
     * @param driftDetected whether the buffer drifts now under the rule
     * @param driftEventId DriftDetected emitted for this version, or null
     * @param features per-feature results
     * @param method the rule ({@code ks-2sample-max+psi-deciles} or {@code feature-tests+drift-share})
     * @param driftShare share of features that drifted
     * @param reason why nothing was computed (no reference, too few rows, inputs of another width), or null
     * @param prediction drift of the predicted classes against the training labels, null when not evaluated (no
     *     label counts in the reference, fewer than min-samples predictions, a single class)
     * @param confidence drift of the mean confidence: the version's newest inferences against its first ones after
     *     deployment (reported only)
     * @param referenceId the profile the buffer is compared with: the training snapshot, or {@code
     *     live:<model>@v<version>} for a version trained on a drift snapshot (its live baseline)
     */
    public record DriftView(
            String modelName,
            int modelVersion,
            String referenceSnapshotId,
            int sampleCount,
            double driftScore,
            double threshold,
            boolean driftDetected,
            String driftEventId,
            List<DriftReport.FeatureResult> features,
            String method,
            double driftShare,
            String reason,
            PredictionDrift prediction,
            ConfidenceView confidence,
            String referenceId) {}

    /**
     * Confidence drift of the deployed version ({@code drift} null with the {@code reason} when not evaluated).
     *
     * @param drift the first {@code performance.confidence-window} inferences after deployment against the newest as
     *     many: counts, mean confidences, Welch's t-test p-value, alpha, whether the mean confidence fell
     *     significantly
     */
    public record ConfidenceView(ConfidenceDrift drift, String reason) {}

    /** Default number of history entries. */
    public static final int DEFAULT_HISTORY = 100;

    /** Most history entries in one answer. */
    public static final int MAX_HISTORY = 1000;

    /**
     * A model's drift history, newest first.
     *
     * @param from the lower bound asked for (inclusive), or null
     * @param to the upper bound asked for (exclusive), or null
     */
    public record HistoryView(String modelName, Instant from, Instant to, List<HistoryEntry> entries) {}

    /**
     * One recorded evaluation of the deployed version.
     *
     * @param referenceId the profile compared with (snapshot id, or {@code live:<model>@v<n>})
     * @param predictionDrifted drift of the predicted classes, null when not evaluated
     * @param features per feature: the test that judged it, its statistic, threshold and verdict, KS statistic,
     *     raw p-value and PSI (null where not finite)
     */
    public record HistoryEntry(
            Instant evaluatedAt,
            int modelVersion,
            String referenceId,
            String method,
            int sampleCount,
            double driftScore,
            double threshold,
            double driftShare,
            boolean driftDetected,
            Boolean predictionDrifted,
            List<DriftHistory.FeatureSummary> features) {}

    @GET
    public DriftView drift(@PathParam("name") String name) {
        DriftMonitor.ModelDrift drift = monitor.currentDrift(name)
                .orElseThrow(() -> ApiException.notFound("no deployment of model '" + name + "' has been seen"));
        DriftReport r = drift.report();
        return new DriftView(
                drift.state().modelName,
                drift.state().modelVersion,
                drift.state().snapshotId,
                r.sampleCount(),
                r.driftScore(),
                r.computed() ? r.threshold() : monitor.evaluator().threshold(),
                r.driftDetected(),
                drift.alert() == null ? null : drift.alert().eventId,
                r.features(),
                r.computed()
                        ? r.method()
                        : monitor.evaluator().policy().method().eventName(),
                r.driftShare(),
                r.reason(),
                r.prediction(),
                confidence(drift.state().modelName, drift.state().modelVersion),
                drift.referenceId());
    }

    /**
     * {@code GET /models/{name}/drift/history?from=&to=&limit=}: the model's recorded drift evaluations, newest first,
     * evaluated in {@code [from, to)} (ISO-8601 instants, each optional), at most {@code limit} (1 to {@value
     * #MAX_HISTORY}, default {@value #DEFAULT_HISTORY}). 422 naming {@code from} / {@code to} / {@code limit}; 404
     * when no deployment of the model was seen.
     */
    @GET
    @Path("/history")
    public HistoryView history(
            @PathParam("name") String name,
            @QueryParam("from") String fromParam,
            @QueryParam("to") String toParam,
            @QueryParam("limit") String limitParam) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Instant from = instant("from", fromParam, errors);
        Instant to = instant("to", toParam, errors);
        if (from != null && to != null && !to.isAfter(from)) {
            errors.add(new Problem.FieldError("to", "must be after from"));
        }
        int limit = DEFAULT_HISTORY;
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_HISTORY) {
                errors.add(new Problem.FieldError("limit", "must be an integer from 1 to " + MAX_HISTORY));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid query", errors);
        }
        if (!historyStore.modelSeen(name)) {
            throw ApiException.notFound("no deployment of model '" + name + "' has been seen");
        }
        List<HistoryEntry> entries = historyStore.list(name, from, to, limit).stream()
                .map(r -> new HistoryEntry(
                        r.evaluatedAt(),
                        r.modelVersion(),
                        r.referenceId(),
                        r.method(),
                        r.sampleCount(),
                        r.driftScore(),
                        r.threshold(),
                        r.driftShare(),
                        r.driftDetected(),
                        r.predictionDrifted(),
                        DriftHistory.features(r.featuresJson())))
                .toList();
        return new HistoryView(name, from, to, entries);
    }

    private static Instant instant(String field, String value, List<Problem.FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z"));
            return null;
        }
    }

    private ConfidenceView confidence(String model, int version) {
        PerformanceMonitor.ConfidenceReport c = performance.confidenceDrift(model, version);
        return new ConfidenceView(c.drift(), c.reason());
    }
}
