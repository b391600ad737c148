package io.edgeloop.monitoring.domain;

import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.ModelStateEntity;
import io.edgeloop.monitoring.persistence.ObservationChunkEntity;
import io.edgeloop.monitoring.persistence.ReferenceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * References that follow the loop. A version trained on a snapshot cut because of drift learned from the old and the
 * new regime together; its training data is a mixture, against which the new regime alone looks drifted (the demo's
 * v2 raised a second, pointless DriftDetected that way). Such a version is compared with a live baseline instead: the
 * first {@code drift.live-baseline-rows} rows it serves become its reference (stored as profile {@code
 * live:<model>@v<version>}, with the training label counts kept for prediction drift), and the buffer restarts after
 * them; its categorical features keep their kind (rows per category counted from those rows). Until then its drift is
 * "not computed" with the reason. Versions trained on other snapshots keep their
 * training reference; {@code drift.live-baseline-after-drift=false} turns this off.
 */
@ApplicationScoped
public class LiveBaselines {
    /** {@code trigger} of a live baseline's profile. */
    public static final String TRIGGER = "live-baseline";

    private static final String DRIFT_TRIGGER = "drift";
    private static final Logger LOG = Logger.getLogger(LiveBaselines.class);

    @Inject
    ReferenceStore references;

    @Inject
    MonitoringConfig config;

    /**
     * The reference {@code state}'s buffer is compared with.
     *
     * @param reference the profile to compare with, null while a live baseline is being collected
     * @param rows rows collected for the baseline so far (when {@code reference} is null)
     * @param reason why there is no reference yet, or null
     */
    public record Resolution(ReferenceProfile reference, int rows, String reason) {
        static Resolution of(ReferenceProfile reference) {
            return new Resolution(reference, 0, null);
        }
    }

    /** The id of the live baseline of {@code state}'s deployed version. */
    public static String liveId(ModelStateEntity state) {
        return "live:" + state.modelName + "@v" + state.modelVersion;
    }

    /**
     * The reference of {@code state}'s deployed version: {@code training}, or its live baseline. With {@code build},
     * a baseline whose rows are all buffered is built, stored and its rows dropped from the buffer (the caller holds
     * the state's row lock); without, the pending baseline is only reported.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Resolution resolve(ModelStateEntity state, ReferenceProfile training, boolean build) {
        if (!config.drift().liveBaselineAfterDrift()
                || !references
                        .trigger(state.snapshotId)
                        .map(DRIFT_TRIGGER::equals)
                        .orElse(false)) {
            return Resolution.of(training);
        }
        Optional<ReferenceProfile> live = references.find(liveId(state));
        if (live.isPresent()) {
            return Resolution.of(live.get());
        }
        int needed = config.drift().liveBaselineRows();
        // counted first: the chunks' data is read only once the baseline is complete
        int rows = ((Number) ObservationChunkEntity.getEntityManager()
                        .createQuery("select coalesce(sum(c.rowCount), 0) from ObservationChunkEntity c where"
                                + " c.modelName = ?1 and c.modelVersion = ?2 and c.featureCount = ?3")
                        .setParameter(1, state.modelName)
                        .setParameter(2, state.modelVersion)
                        .setParameter(3, training.featureCount())
                        .getSingleResult())
                .intValue();
        if (rows < needed || !build) {
            return new Resolution(
                    null,
                    Math.min(rows, needed),
                    "collecting a live baseline: v" + state.modelVersion + " was trained on a drift snapshot ("
                            + state.snapshotId + "), so its reference is the first " + needed + " rows it serves ("
                            + Math.min(rows, needed) + " so far)");
        }
        List<ObservationChunkEntity> chunks = ObservationChunkEntity.<ObservationChunkEntity>find(
                        "modelName = ?1 and modelVersion = ?2 and featureCount = ?3 order by id",
                        state.modelName,
                        state.modelVersion,
                        training.featureCount())
                .list();
        return Resolution.of(build(state, training, chunks, needed));
    }

    private ReferenceProfile build(
            ModelStateEntity state, ReferenceProfile training, List<ObservationChunkEntity> chunks, int needed) {
        String id = liveId(state);
        long lastUsed = Long.MIN_VALUE;
        List<ObservationBuffer.Chunk> used = new java.util.ArrayList<>();
        int rows = 0;
        for (ObservationChunkEntity c : chunks) {
            if (rows >= needed) {
                break;
            }
            used.add(DriftMonitor.chunk(c));
            rows += c.rowCount;
            lastUsed = c.id;
        }
        ObservationBuffer.Selection selection = ObservationBuffer.select(used, training.featureCount(), needed);
        ReferenceProfile profile = selection.sketched()
                ? ReferenceProfileBuilder.fromSketches(
                        id,
                        training.datasetName(),
                        training.datasetVersion(),
                        selection.sketches(),
                        config.referenceSampleSize(),
                        training.labelCounts(),
                        training.categorical())
                : fromRows(id, training, used, needed);
        references.save(profile, state.deployedEventId, TRIGGER);
        long dropped = ObservationChunkEntity.delete(
                "modelName = ?1 and modelVersion = ?2 and id <= ?3", state.modelName, state.modelVersion, lastUsed);
        LOG.infof(
                "model %s v%d: live baseline %s of %d rows stored (trained on drift snapshot %s); %d chunks left the"
                        + " buffer",
                state.modelName, state.modelVersion, id, profile.trainCount(), state.snapshotId, dropped);
        return profile;
    }

    /** A profile of the first {@code needed} raw rows of {@code chunks}, oldest first. */
    private ReferenceProfile fromRows(
            String id, ReferenceProfile training, List<ObservationBuffer.Chunk> chunks, int needed) {
        ReferenceProfileBuilder builder = new ReferenceProfileBuilder(
                id, training.featureCount(), config.referenceSampleSize(), training.categorical());
        for (ObservationBuffer.Chunk c : chunks) {
            for (int r = 0; r < c.rows() && builder.count() < needed; r++) {
                float[] row = new float[c.featureCount()];
                System.arraycopy(c.data(), r * c.featureCount(), row, 0, c.featureCount());
                builder.add(row);
            }
        }
        ReferenceProfile built = builder.build(training.datasetName(), training.datasetVersion());
        return new ReferenceProfile(
                id,
                built.datasetName(),
                built.datasetVersion(),
                built.trainCount(),
                built.features(),
                training.labelCounts());
    }
}
