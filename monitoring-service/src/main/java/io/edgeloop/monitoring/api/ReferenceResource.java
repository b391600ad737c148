package io.edgeloop.monitoring.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.ReferenceProfile;
import io.edgeloop.monitoring.persistence.ReferenceProfileEntity;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** {@code GET /references}, {@code GET /references/{snapshotId}}: stored reference profiles. */
@Path("/references")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class ReferenceResource {
    @Inject
    ReferenceStore references;

    /** A stored profile. */
    public record ReferenceSummary(
            String snapshotId,
            String datasetName,
            int datasetVersion,
            int featureCount,
            long trainCount,
            int sampleSize,
            Instant createdAt) {}

    /** A profile with its per-feature statistics. */
    public record ReferenceDetail(
            String snapshotId,
            String datasetName,
            int datasetVersion,
            long trainCount,
            int sampleSize,
            List<FeatureView> features) {}

    /**
     * One feature's reference statistics and PSI bins; {@code kind} {@code numerical} or {@code categorical}, and for a
     * categorical feature its TRAIN rows per category code ({@code categoryCounts}, null for a numerical one).
     */
    public record FeatureView(
            int index,
            double mean,
            double std,
            double min,
            double max,
            double[] binEdges,
            double[] binProportions,
            String kind,
            java.util.Map<Integer, Long> categoryCounts) {}

    @GET
    public List<ReferenceSummary> list() {
        return references.list().stream().map(ReferenceResource::summary).toList();
    }

    @GET
    @Path("/{snapshotId}")
    public ReferenceDetail get(@PathParam("snapshotId") String snapshotId) {
        ReferenceProfile p = references
                .find(snapshotId)
                .orElseThrow(() -> ApiException.notFound("no reference profile for snapshot '" + snapshotId + "'"));
        return new ReferenceDetail(
                p.snapshotId(),
                p.datasetName(),
                p.datasetVersion(),
                p.trainCount(),
                p.sampleSize(),
                p.features().stream()
                        .map(f -> new FeatureView(
                                f.index(),
                                f.mean(),
                                f.std(),
                                f.min(),
                                f.max(),
                                f.binEdges(),
                                f.binProportions(),
                                f.categorical() ? DriftReport.CATEGORICAL : DriftReport.NUMERICAL,
                                f.categoryCounts()))
                        .toList());
    }

    private static ReferenceSummary summary(ReferenceProfileEntity e) {
        return new ReferenceSummary(
                e.snapshotId, e.datasetName, e.datasetVersion, e.featureCount, e.trainCount, e.sampleSize, e.createdAt);
    }
}
