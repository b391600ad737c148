package io.edgeloop.monitoring.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code drift_history} table (V11): one row per recorded drift evaluation, the per-feature figures as a JSON
 * array; read newest first within a time range; trimmed by age and by rows per model.
 */
@ApplicationScoped
public class DriftHistoryStore {
    @Inject
    EntityManager em;

    /**
     * One stored evaluation.
     *
     * @param featuresJson the per-feature figures, a JSON array as written
     * @param predictionDrifted null when prediction drift was not evaluated
     */
    public record Row(
            long id,
            String modelName,
            int modelVersion,
            Instant evaluatedAt,
            String referenceId,
            String method,
            int sampleCount,
            double driftScore,
            double threshold,
            double driftShare,
            boolean driftDetected,
            Boolean predictionDrifted,
            String featuresJson) {}

    /** Inserts {@code row} (its id is ignored) in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(Row row) {
        em.createNativeQuery("insert into drift_history (model_name, model_version, evaluated_at, reference_id,"
                        + " method, sample_count, drift_score, threshold, drift_share, drift_detected,"
                        + " prediction_drifted, features) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                        + " cast(?12 as jsonb))")
                .setParameter(1, row.modelName())
                .setParameter(2, row.modelVersion())
                .setParameter(3, Timestamp.from(row.evaluatedAt()))
                .setParameter(4, row.referenceId())
                .setParameter(5, row.method())
                .setParameter(6, row.sampleCount())
                .setParameter(7, row.driftScore())
                .setParameter(8, row.threshold())
                .setParameter(9, row.driftShare())
                .setParameter(10, row.driftDetected())
                .setParameter(11, row.predictionDrifted())
                .setParameter(12, row.featuresJson())
                .executeUpdate();
    }

    /**
     * Up to {@code limit} evaluations of {@code model} with {@code from <= evaluated_at < to} (either bound may be
     * null), newest first.
     */
    @Transactional
    public List<Row> list(String model, Instant from, Instant to, int limit) {
        StringBuilder sql = new StringBuilder("select id, model_name, model_version, evaluated_at, reference_id,"
                + " method, sample_count, drift_score, threshold, drift_share, drift_detected, prediction_drifted,"
                + " features::text from drift_history where model_name = :model");
        if (from != null) {
            sql.append(" and evaluated_at >= :from");
        }
        if (to != null) {
            sql.append(" and evaluated_at < :to");
        }
        sql.append(" order by evaluated_at desc, id desc");
        var q = em.createNativeQuery(sql.toString(), Object[].class).setParameter("model", model);
        if (from != null) {
            q.setParameter("from", Timestamp.from(from));
        }
        if (to != null) {
            q.setParameter("to", Timestamp.from(to));
        }
        List<Row> out = new ArrayList<>();
        for (Object o : q.setMaxResults(limit).getResultList()) {
            Object[] r = (Object[]) o;
            out.add(new Row(
                    ((Number) r[0]).longValue(),
                    (String) r[1],
                    ((Number) r[2]).intValue(),
                    instant(r[3]),
                    (String) r[4],
                    (String) r[5],
                    ((Number) r[6]).intValue(),
                    ((Number) r[7]).doubleValue(),
                    ((Number) r[8]).doubleValue(),
                    ((Number) r[9]).doubleValue(),
                    (Boolean) r[10],
                    (Boolean) r[11],
                    (String) r[12]));
        }
        return out;
    }

    /** Whether a deployment of {@code model} was seen (it has a state row). */
    @Transactional
    public boolean modelSeen(String model) {
        return ModelStateEntity.findById(model) != null;
    }

    /** Deletes rows evaluated before {@code cutoff} and, per model, all but the newest {@code maxRows}. */
    @Transactional
    public long trim(Instant cutoff, int maxRows) {
        int old = em.createNativeQuery("delete from drift_history where evaluated_at < ?1")
                .setParameter(1, Timestamp.from(cutoff))
                .executeUpdate();
        int surplus = em.createNativeQuery("delete from drift_history h using (select id, row_number() over"
                        + " (partition by model_name order by evaluated_at desc, id desc) as rn from drift_history) r"
                        + " where h.id = r.id and r.rn > ?1")
                .setParameter(1, maxRows)
                .executeUpdate();
        return (long) old + surplus;
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException(
                "unexpected timestamp type " + value.getClass().getSimpleName());
    }
}
