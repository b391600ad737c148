package io.edgeloop.data.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Captured samples' links and suggestions ({@code sample_suggestion}, V11) and the labeling queue: live unlabeled
 * samples of a data set, those with a suggestion least confident first, then the others, by id. Plain JDBC on the
 * transaction's connection; every method needs the caller's transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class SuggestionStore {
    /** Sort key of a queued sample without a suggestion: after every confidence in [0, 1]. */
    private static final double NO_SUGGESTION = 2.0;

    private static final String ORDER_KEY = "coalesce(g.confidence, " + NO_SUGGESTION + ")";

    @Inject
    EntityManager em;

    /**
     * What a captured sample is linked to, and what the served model suggested.
     *
     * @param suggestedLabel one of the data set's labels, or null
     * @param scoredByVersion the version whose prediction the suggestion is ({@code modelVersion} until re-scored)
     * @param rescoredAt when a newer production version re-scored it, null before
     */
    public record Suggestion(
            String sampleId,
            String datasetName,
            String modelName,
            int modelVersion,
            String deviceId,
            String inferenceId,
            String suggestedLabel,
            float confidence,
            Instant inferredAt,
            int scoredByVersion,
            Instant rescoredAt) {
        /** A captured input's suggestion as the capturing version made it. */
        public static Suggestion captured(
                String sampleId,
                String datasetName,
                String modelName,
                int modelVersion,
                String deviceId,
                String inferenceId,
                String suggestedLabel,
                float confidence,
                Instant inferredAt) {
            return new Suggestion(
                    sampleId,
                    datasetName,
                    modelName,
                    modelVersion,
                    deviceId,
                    inferenceId,
                    suggestedLabel,
                    confidence,
                    inferredAt,
                    modelVersion,
                    null);
        }
    }

    /**
     * A captured input waiting for a label, as a re-scoring reads it.
     *
     * @param suggestedLabel null when the prediction named no label of the data set
     */
    public record Captured(
            String sampleId, float[] features, int scoredByVersion, String suggestedLabel, float confidence) {}

    /** A newer version's prediction for a captured input. */
    public record Rescore(String sampleId, String suggestedLabel, float confidence) {}

    /** A queued sample: the sample and its suggestion (null when it has none). */
    public record Queued(LabelStore.SampleRow sample, Suggestion suggestion) {}

    /** Stores the link and suggestion of a captured sample. */
    public void insert(Suggestion s, Instant createdAt) {
        session().doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into sample_suggestion (sample_id, dataset_name,"
                    + " model_name, model_version, device_id, inference_id, suggested_label, confidence, inferred_at,"
                    + " created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.sampleId());
                ps.setString(2, s.datasetName());
                ps.setString(3, s.modelName());
                ps.setInt(4, s.modelVersion());
                ps.setString(5, s.deviceId());
                ps.setString(6, s.inferenceId());
                ps.setString(7, s.suggestedLabel());
                ps.setFloat(8, s.confidence());
                if (s.inferredAt() == null) {
                    ps.setNull(9, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    ps.setTimestamp(9, Timestamp.from(s.inferredAt()));
                }
                ps.setTimestamp(10, Timestamp.from(createdAt));
                ps.executeUpdate();
            }
        });
    }

    /** Whether a sample (live or deleted) was stored for this inference of the model. */
    public boolean known(String dataset, String model, String inferenceId) {
        return !em.createNativeQuery("select 1 from sample_suggestion where dataset_name = ?1 and model_name = ?2"
                        + " and inference_id = ?3")
                .setParameter(1, dataset)
                .setParameter(2, model)
                .setParameter(3, inferenceId)
                .getResultList()
                .isEmpty();
    }

    /** The live sample captured for this inference of the model, if any. */
    public Optional<String> liveSample(String dataset, String model, String inferenceId) {
        List<?> ids = em.createNativeQuery("select g.sample_id from sample_suggestion g join sample s on s.id ="
                        + " g.sample_id where g.dataset_name = ?1 and g.model_name = ?2 and g.inference_id = ?3 and"
                        + " s.deleted_at is null")
                .setParameter(1, dataset)
                .setParameter(2, model)
                .setParameter(3, inferenceId)
                .getResultList();
        return ids.isEmpty() ? Optional.empty() : Optional.of((String) ids.get(0));
    }

    /** The suggested labels of those of {@code ids} that have one, by sample id. */
    public Map<String, String> suggestedLabels(String dataset, List<String> ids) {
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        session().doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("select sample_id, suggested_label from sample_suggestion"
                    + " where dataset_name = ? and sample_id = any (?) and suggested_label is not null")) {
                ps.setString(1, dataset);
                ps.setArray(2, c.createArrayOf("varchar", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        });
        return out;
    }

    /**
     * The queue position (sort key) of sample {@code id} of {@code dataset}, deleted or labelled since or not; empty
     * when the data set has no such sample.
     */
    public Optional<Double> queueKey(String dataset, String id) {
        List<?> keys = em.createNativeQuery("select " + ORDER_KEY + " from sample s left join sample_suggestion g on"
                        + " g.sample_id = s.id where s.dataset_name = ?1 and s.id = ?2")
                .setParameter(1, dataset)
                .setParameter(2, id)
                .getResultList();
        return keys.isEmpty() ? Optional.empty() : Optional.of(((Number) keys.get(0)).doubleValue());
    }

    /**
     * Up to {@code limit} queued samples of {@code dataset}: live and unlabeled, ordered by suggestion confidence
     * (none last), then id; after the position ({@code afterKey}, {@code afterId}) when {@code afterId} is not null.
     */
    public List<Queued> queue(String dataset, Double afterKey, String afterId, int limit) {
        String sql = "select s.id, s.features, s.source, s.ingested_at, g.model_name, g.model_version, g.device_id,"
                + " g.inference_id, g.suggested_label, g.confidence, g.inferred_at, g.scored_by_version,"
                + " g.rescored_at from sample s left join"
                + " sample_suggestion g on g.sample_id = s.id where s.dataset_name = ? and s.label_index is null and"
                + " s.deleted_at is null"
                + (afterId == null ? "" : " and (" + ORDER_KEY + ", s.id) > (?, ?)")
                + " order by " + ORDER_KEY + ", s.id limit " + limit;
        List<Queued> out = new ArrayList<>(limit);
        session().doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, dataset);
                if (afterId != null) {
                    ps.setDouble(2, afterKey);
                    ps.setString(3, afterId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(queued(dataset, rs));
                    }
                }
            }
        });
        return out;
    }

    /**
     * Up to {@code limit} live unlabeled samples of {@code dataset} captured for {@code model}, by sample id, after
     * {@code afterId} (null = from the start), leaving out those already scored by {@code notScoredBy} (0 = none left
     * out).
     */
    public List<Captured> captured(String dataset, String model, int notScoredBy, String afterId, int limit) {
        String sql = "select g.sample_id, s.features, coalesce(g.scored_by_version, g.model_version),"
                + " g.suggested_label, g.confidence from sample_suggestion g join sample s on s.id = g.sample_id"
                + " where g.dataset_name = ? and g.model_name = ? and s.label_index is null and s.deleted_at is null"
                + (notScoredBy > 0 ? " and coalesce(g.scored_by_version, g.model_version) <> ?" : "")
                + (afterId == null ? "" : " and g.sample_id > ?")
                + " order by g.sample_id limit " + limit;
        List<Captured> out = new ArrayList<>(limit);
        session().doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, dataset);
                ps.setString(i++, model);
                if (notScoredBy > 0) {
                    ps.setInt(i++, notScoredBy);
                }
                if (afterId != null) {
                    ps.setString(i, afterId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Captured(
                                rs.getString(1),
                                SampleStore.floats(rs.getArray(2)),
                                rs.getInt(3),
                                rs.getString(4),
                                rs.getFloat(5)));
                    }
                }
            }
        });
        return out;
    }

    /**
     * Replaces the suggestions of those of {@code rescores} that are live, unlabeled samples of {@code dataset}
     * captured for {@code model} with {@code version}'s predictions.
     *
     * @return how many were replaced
     */
    public int rescore(String dataset, String model, int version, List<Rescore> rescores, Instant at) {
        int[] updated = {0};
        session().doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("update sample_suggestion g set suggested_label = ?,"
                    + " confidence = ?, scored_by_version = ?, rescored_at = ? from sample s where s.id = g.sample_id"
                    + " and g.sample_id = ? and g.dataset_name = ? and g.model_name = ? and s.label_index is null"
                    + " and s.deleted_at is null")) {
                for (Rescore r : rescores) {
                    ps.setString(1, r.suggestedLabel());
                    ps.setFloat(2, r.confidence());
                    ps.setInt(3, version);
                    ps.setTimestamp(4, Timestamp.from(at));
                    ps.setString(5, r.sampleId());
                    ps.setString(6, dataset);
                    ps.setString(7, model);
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    updated[0] += Math.max(0, n);
                }
            }
        });
        return updated[0];
    }

    private static Queued queued(String dataset, ResultSet rs) throws java.sql.SQLException {
        String id = rs.getString(1);
        LabelStore.SampleRow sample = new LabelStore.SampleRow(
                id,
                SampleStore.floats(rs.getArray(2)),
                null,
                (short) 0,
                rs.getString(3),
                rs.getTimestamp(4).toInstant());
        String model = rs.getString(5);
        if (model == null) {
            return new Queued(sample, null);
        }
        Timestamp inferred = rs.getTimestamp(11);
        int scoredBy = rs.getInt(12);
        boolean rescored = !rs.wasNull();
        Timestamp rescoredAt = rs.getTimestamp(13);
        return new Queued(
                sample,
                new Suggestion(
                        id,
                        dataset,
                        model,
                        rs.getInt(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getFloat(10),
                        inferred == null ? null : inferred.toInstant(),
                        rescored ? scoredBy : rs.getInt(6),
                        rescoredAt == null ? null : rescoredAt.toInstant()));
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
