package io.edgeloop.monitoring.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.monitoring.domain.ConfidenceDrift;
import io.edgeloop.monitoring.domain.DriftMonitor;
import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.PerformanceMonitor;
import io.edgeloop.monitoring.domain.PredictionDrift;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /models/{name}/drift}: drift of the deployed version's observation buffer, computed now. */
@Path("/models/{name}/drift")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class DriftResource {
    @Inject
    DriftMonitor monitor;

    @Inject
    PerformanceMonitor performance;

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

    private ConfidenceView confidence(String model, int version) {
        PerformanceMonitor.ConfidenceReport c = performance.confidenceDrift(model, version);
        return new ConfidenceView(c.drift(), c.reason());
    }
}
