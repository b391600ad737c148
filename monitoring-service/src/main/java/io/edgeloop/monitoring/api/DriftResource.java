package io.edgeloop.monitoring.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.domain.DriftMonitor;
import io.edgeloop.monitoring.domain.DriftReport;
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
    MonitoringConfig config;

    /**
     * Drift of a model.
     *
     * @param modelName name
     * @param modelVersion deployed version
     * @param referenceSnapshotId training snapshot of that version
     * @param sampleCount observed rows in the buffer
     * @param driftScore largest KS statistic, -1 when not computed (no reference yet or fewer than min-samples rows)
     * @param threshold configured score threshold
     * @param driftDetected whether the buffer drifts now (score above threshold, p-value below alpha)
     * @param driftEventId DriftDetected emitted for this version, or null
     * @param features per-feature results
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
            List<FeatureView> features) {}

    /** Drift of one feature. */
    public record FeatureView(
            int index, double ksStatistic, double pValue, double psi, double referenceMean, double observedMean) {}

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
                config.threshold(),
                r.driftDetected(),
                drift.alert() == null ? null : drift.alert().eventId,
                r.features().stream()
                        .map(f -> new FeatureView(
                                f.index(), f.ksStatistic(), f.pValue(), f.psi(), f.referenceMean(), f.observedMean()))
                        .toList());
    }
}
