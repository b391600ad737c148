package io.edgeloop.monitoring.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.kit.jobs.PeriodicJobs;
import io.edgeloop.monitoring.config.MonitoringConfig;
import io.edgeloop.monitoring.persistence.DriftHistoryStore;
import io.edgeloop.monitoring.persistence.ModelStateEntity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The drift history of each model: every computed drift evaluation of the deployed version is recorded ({@code
 * drift_history}) with its time, reference, rule, verdict and, per feature, only the figures that decide (test,
 * statistic, threshold, verdict, KS statistic, p-value, PSI: about 120 bytes a feature), at most once per {@code
 * drift-history.min-interval} per model and replica unless the verdict or the version changed. Rows older than
 * {@code drift-history.retention}, and beyond the newest {@code drift-history.max-rows} of a model, are deleted every
 * {@code drift-history.trim-interval} by the Quarkus scheduler job {@value #TRIM_JOB} ({@link PeriodicJobs}; an
 * interval of 0 schedules nothing), always as of {@code clock.instant()}; {@link #trim(Instant)} is the same trim as of
 * any instant.
 */
@ApplicationScoped
public class DriftHistory {
    /** The identity of the periodic trim in the Quarkus scheduler. */
    public static final String TRIM_JOB = "drift-history-trim";

    private static final Logger LOG = Logger.getLogger(DriftHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DriftHistoryStore store;

    @Inject
    MonitoringConfig config;

    @Inject
    Clock clock;

    @Inject
    PeriodicJobs jobs;

    /** The last recorded evaluation per model (this replica's). */
    private final Map<String, Last> last = new ConcurrentHashMap<>();

    /** The last recorded evaluation of a model: its version, verdict and time. */
    record Last(int version, boolean detected, Instant at) {}

    /**
     * One feature's figures in the history.
     *
     * @param test {@code ks} or {@code wasserstein}; {@code chi-square} or {@code jensen-shannon} for a categorical
     *     feature
     * @param statistic that test's figure (p-value or distance), null when not finite
     * @param ks the KS statistic, null when not finite (a categorical feature has none)
     * @param p the raw p-value (KS, or chi-square for a categorical feature), null when not finite
     * @param psi the PSI over the reference's deciles, null when not finite
     */
    public record FeatureSummary(
            int index,
            String test,
            Double statistic,
            Double threshold,
            boolean drifted,
            Double ks,
            Double p,
            Double psi) {
        static FeatureSummary of(DriftReport.FeatureResult f) {
            return new FeatureSummary(
                    f.index(),
                    f.test(),
                    finite(f.statistic()),
                    finite(f.featureThreshold()),
                    f.drifted(),
                    finite(f.ksStatistic()),
                    finite(f.pValue()),
                    finite(f.psi()));
        }
    }

    void start(@Observes StartupEvent event) {
        Duration every = config.driftHistory().trimInterval();
        if (!jobs.schedule(TRIM_JOB, every, "trimming the drift history", () -> trim(clock.instant()))) {
            LOG.info("the periodic drift history trim is off (edgeloop.monitoring.drift-history.trim-interval = 0)");
        }
    }

    /**
     * Records {@code report} of {@code state}'s deployed version against {@code referenceId} in the caller's
     * transaction, when it was computed and is due.
     *
     * @return whether a row was written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(ModelStateEntity state, String referenceId, DriftReport report) {
        if (!report.computed()) {
            return false;
        }
        Instant now = clock.instant();
        Last previous = last.get(state.modelName);
        if (!due(
                previous,
                state.modelVersion,
                report.driftDetected(),
                now,
                config.driftHistory().minInterval())) {
            return false;
        }
        store.insert(new DriftHistoryStore.Row(
                0,
                state.modelName,
                state.modelVersion,
                now,
                referenceId,
                report.method(),
                report.sampleCount(),
                report.driftScore(),
                report.threshold(),
                report.driftShare(),
                report.driftDetected(),
                report.prediction() == null ? null : report.prediction().drifted(),
                featuresJson(report.features())));
        last.put(state.modelName, new Last(state.modelVersion, report.driftDetected(), now));
        return true;
    }

    /** Whether an evaluation at {@code now} is recorded after {@code previous} (null: none recorded yet). */
    static boolean due(Last previous, int version, boolean detected, Instant now, Duration minInterval) {
        return previous == null
                || previous.version() != version
                || previous.detected() != detected
                || !now.isBefore(previous.at().plus(minInterval));
    }

    /** The per-feature figures as stored: a compact JSON array. */
    static String featuresJson(List<DriftReport.FeatureResult> features) {
        try {
            return JSON.writeValueAsString(
                    features.stream().map(FeatureSummary::of).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write drift history features", e);
        }
    }

    /** The stored per-feature figures read back. */
    public static List<FeatureSummary> features(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<FeatureSummary>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable drift history features", e);
        }
    }

    /** Deletes rows evaluated before {@code now - retention} and beyond the newest max-rows per model. */
    public long trim(Instant now) {
        long deleted = store.trim(
                now.minus(config.driftHistory().retention()),
                config.driftHistory().maxRows());
        if (deleted > 0) {
            LOG.infof("deleted %d drift history rows", deleted);
        }
        return deleted;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
