package io.edgeloop.monitoring.grpc;

import io.edgeloop.kit.grpc.GrpcRetries;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.domain.CategoryStatistics;
import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.ReferenceProfile;
import io.edgeloop.monitoring.domain.ReferenceProfileBuilder;
import io.edgeloop.proto.data.v1.DatasetServiceGrpc;
import io.edgeloop.proto.data.v1.Sample;
import io.edgeloop.proto.data.v1.SampleBatch;
import io.edgeloop.proto.data.v1.SnapshotRef;
import io.edgeloop.proto.data.v1.Split;
import io.edgeloop.proto.data.v1.StreamSnapshotRequest;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Streams the TRAIN split of a snapshot from data-service ({@code DatasetService.StreamSnapshot}, client
 * {@code dataset}) into a {@link ReferenceProfile}, whose categorical features ({@code DataReady.feature_kinds}) keep
 * their rows per category. Calls that fail with UNAVAILABLE are retried with backoff;
 * other failures (NOT_FOUND, malformed samples) propagate.
 */
@ApplicationScoped
public class SnapshotProfiler {
    private static final Logger LOG = Logger.getLogger(SnapshotProfiler.class);
    private static final int BATCH_SIZE = 512;

    @GrpcClient("dataset")
    DatasetServiceGrpc.DatasetServiceBlockingStub dataset;

    @Inject
    MonitoringConfig config;

    /**
     * Profiles the TRAIN split of {@code datasetName} version {@code version}.
     *
     * @param snapshotId the snapshot's id (seeds the deterministic sample)
     * @param expectedFeatures features per sample announced by the DataReady event, or 0 when unknown
     * @throws IllegalStateException when the split is empty or its samples are inconsistent
     * @throws StatusRuntimeException when data-service refuses the call or stays unavailable
     */
    public ReferenceProfile profile(String datasetName, int version, String snapshotId, int expectedFeatures) {
        return profile(datasetName, version, snapshotId, expectedFeatures, List.of());
    }

    /**
     * Profiles the TRAIN split of {@code datasetName} version {@code version}, with the kind of each feature.
     *
     * @param snapshotId the snapshot's id (seeds the deterministic sample)
     * @param expectedFeatures features per sample announced by the DataReady event, or 0 when unknown
     * @param featureKinds {@code DataReady.feature_kinds}: {@code numerical} or {@code categorical} per feature,
     *     empty = all numerical
     * @throws IllegalStateException when the split is empty, its samples are inconsistent, the kinds are not one
     *     known kind per feature, or a categorical feature's value is no category code
     * @throws StatusRuntimeException when data-service refuses the call or stays unavailable
     */
    public ReferenceProfile profile(
            String datasetName, int version, String snapshotId, int expectedFeatures, List<String> featureKinds) {
        return new GrpcRetries(Duration.ofMillis(500), Duration.ofSeconds(10), config.datasetRetries() + 1)
                .call(
                        "data-service StreamSnapshot " + snapshotId,
                        () -> profileOnce(datasetName, version, snapshotId, expectedFeatures, featureKinds));
    }

    private ReferenceProfile profileOnce(
            String datasetName, int version, String snapshotId, int expectedFeatures, List<String> featureKinds) {
        StreamSnapshotRequest request = StreamSnapshotRequest.newBuilder()
                .setSnapshot(
                        SnapshotRef.newBuilder().setDatasetName(datasetName).setVersion(version))
                .addSplits(Split.TRAIN)
                .setBatchSize(BATCH_SIZE)
                .build();
        // cancelling the context ends the server stream when we stop reading early (bad sample)
        try (Context.CancellableContext ctx = Context.current().withCancellation()) {
            return ctx.call(() -> {
                ReferenceProfileBuilder builder = null;
                boolean[] categorical = null;
                Iterator<SampleBatch> batches = dataset.withDeadlineAfter(
                                config.datasetTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .streamSnapshot(request);
                while (batches.hasNext()) {
                    for (Sample sample : batches.next().getSamplesList()) {
                        if (sample.getSplit() != Split.TRAIN) {
                            continue; // only TRAIN was asked for; ignore anything else defensively
                        }
                        if (builder == null) {
                            int features = expectedFeatures > 0 ? expectedFeatures : sample.getFeaturesCount();
                            categorical = categorical(featureKinds, features, snapshotId);
                            builder = new ReferenceProfileBuilder(
                                    snapshotId, features, config.referenceSampleSize(), categorical);
                        }
                        builder.add(toArray(sample, snapshotId, builder.featureCount(), categorical));
                        builder.addLabel(sample.getLabel());
                    }
                }
                if (builder == null) {
                    throw new IllegalStateException("snapshot " + snapshotId + " has no TRAIN samples to profile");
                }
                LOG.infof(
                        "profiled %s: %d TRAIN rows, %d features", snapshotId, builder.count(), builder.featureCount());
                return builder.build(datasetName, version);
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("profiling " + snapshotId + " failed: " + e.getMessage(), e);
        }
    }

    private static float[] toArray(Sample sample, String snapshotId, int featureCount, boolean[] categorical) {
        if (sample.getFeaturesCount() != featureCount) {
            throw new IllegalStateException("sample " + sample.getSampleId() + " of " + snapshotId + " has "
                    + sample.getFeaturesCount() + " features, expected " + featureCount);
        }
        float[] row = new float[featureCount];
        for (int i = 0; i < featureCount; i++) {
            row[i] = sample.getFeatures(i);
            if (categorical[i] && CategoryStatistics.category(row[i]) == CategoryStatistics.NOT_A_CODE) {
                throw new IllegalStateException("sample " + sample.getSampleId() + " of " + snapshotId
                        + ": feature " + i + " is categorical, but " + row[i] + " is no category code (0.."
                        + CategoryStatistics.MAX_CODE + ")");
            }
        }
        return row;
    }

    /** Whether each feature is categorical, from DataReady's kinds (empty = none). */
    static boolean[] categorical(List<String> featureKinds, int featureCount, String snapshotId) {
        boolean[] categorical = new boolean[featureCount];
        if (featureKinds.isEmpty()) {
            return categorical;
        }
        if (featureKinds.size() != featureCount) {
            throw new IllegalStateException("snapshot " + snapshotId + " declares " + featureKinds.size()
                    + " feature kinds for " + featureCount + " features");
        }
        for (int i = 0; i < featureCount; i++) {
            String kind = featureKinds.get(i);
            if (!DriftReport.NUMERICAL.equals(kind) && !DriftReport.CATEGORICAL.equals(kind)) {
                throw new IllegalStateException("snapshot " + snapshotId + ": feature " + i + " has kind '" + kind
                        + "', expected numerical or categorical");
            }
            categorical[i] = DriftReport.CATEGORICAL.equals(kind);
        }
        return categorical;
    }
}
