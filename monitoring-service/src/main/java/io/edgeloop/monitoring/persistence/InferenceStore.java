package io.edgeloop.monitoring.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * Reported inferences and their fed-back labels ({@code inference_record}): batch insert (the first report of an id
 * wins, a repeat is ignored), lookup by id, the labelled rows of a version as aggregates for the metrics, and the
 * retention trim.
 */
@ApplicationScoped
public class InferenceStore {
    private static final String INSERT = "insert into inference_record (model_name, inference_id, model_version,"
            + " device_id, window_id, predicted_class, confidence, inferred_at, received_at, input) values (?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?) on conflict do nothing";

    @Inject
    EntityManager em;

    /** One inference as reported. */
    public record Reported(
            String modelName,
            String inferenceId,
            int modelVersion,
            String deviceId,
            String windowId,
            int predictedClass,
            float confidence,
            Instant inferredAt,
            Instant receivedAt,
            float[] input) {}

    /** One labelled inference, as the metrics need it. */
    public record Labelled(int predictedClass, int trueClass, float confidence) {}

    /**
     * Filters of the labelled rows of a model version; null = any. {@code segmentKey} / {@code segmentValue}: only
     * devices whose reported label {@code segmentKey} is {@code segmentValue} (their current labels).
     */
    public record Scope(
            String modelName,
            int modelVersion,
            String deviceId,
            Instant since,
            Instant until,
            String segmentKey,
            String segmentValue) {
        /** A scope without a segment. */
        public Scope(String modelName, int modelVersion, String deviceId, Instant since, Instant until) {
            this(modelName, modelVersion, deviceId, since, until, null, null);
        }
    }

    /** One labelled inference of a device whose label (the segment key asked for) has {@code segment}. */
    public record SegmentLabelled(String segment, Labelled labelled) {}

    /** Inserts {@code rows} in the caller's transaction as one JDBC batch; ids already stored are left as they are. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insertAll(List<Reported> rows) {
        if (rows.isEmpty()) {
            return;
        }
        em.flush();
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
                for (Reported r : rows) {
                    ps.setString(1, r.modelName());
                    ps.setString(2, r.inferenceId());
                    ps.setInt(3, r.modelVersion());
                    ps.setString(4, r.deviceId());
                    ps.setString(5, r.windowId());
                    ps.setInt(6, r.predictedClass());
                    ps.setFloat(7, r.confidence());
                    ps.setTimestamp(8, Timestamp.from(r.inferredAt()));
                    ps.setTimestamp(9, Timestamp.from(r.receivedAt()));
                    ps.setBytes(10, r.input() == null ? null : Codec.floats(r.input()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** The stored inferences of {@code modelName} among {@code inferenceIds}, by id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, InferenceRecordEntity> find(String modelName, Collection<String> inferenceIds) {
        Map<String, InferenceRecordEntity> out = new HashMap<>();
        if (inferenceIds.isEmpty()) {
            return out;
        }
        em.createQuery(
                        "select r from InferenceRecordEntity r where r.modelName = ?1 and r.inferenceId in ?2",
                        InferenceRecordEntity.class)
                .setParameter(1, modelName)
                .setParameter(2, inferenceIds)
                .getResultList()
                .forEach(r -> out.put(r.inferenceId, r));
        return out;
    }

    /** The inferences first reported in window {@code windowId} that carry a captured input, by inference id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<InferenceRecordEntity> captured(String windowId) {
        return em.createQuery(
                        "select r from InferenceRecordEntity r where r.windowId = ?1 and r.input is not null order by"
                                + " r.inferenceId",
                        InferenceRecordEntity.class)
                .setParameter(1, windowId)
                .getResultList();
    }

    /** The labelled inferences in {@code scope}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Labelled> labelled(Scope scope) {
        StringBuilder q = new StringBuilder("select r.predictedClass, r.trueClass, r.confidence from"
                + " InferenceRecordEntity r where r.modelName = :model and r.modelVersion = :version and r.trueClass"
                + " is not null");
        Map<String, Object> params = new HashMap<>();
        params.put("model", scope.modelName());
        params.put("version", scope.modelVersion());
        if (scope.deviceId() != null) {
            q.append(" and r.deviceId = :device");
            params.put("device", scope.deviceId());
        }
        if (scope.segmentKey() != null) {
            q.append(" and r.deviceId in (select l.deviceId from DeviceLabelEntity l where l.key = :segKey and"
                    + " l.value = :segValue)");
            params.put("segKey", scope.segmentKey());
            params.put("segValue", scope.segmentValue());
        }
        if (scope.since() != null) {
            q.append(" and r.inferredAt >= :since");
            params.put("since", scope.since());
        }
        if (scope.until() != null) {
            q.append(" and r.inferredAt < :until");
            params.put("until", scope.until());
        }
        var query = em.createQuery(q.toString(), Object[].class);
        params.forEach(query::setParameter);
        List<Labelled> out = new ArrayList<>();
        for (Object[] r : query.getResultList()) {
            out.add(new Labelled((Integer) r[0], (Integer) r[1], (Float) r[2]));
        }
        return out;
    }

    /** The labelled inferences of a version on devices that report label {@code key}, with that label's value. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<SegmentLabelled> labelledBySegment(String modelName, int modelVersion, String key) {
        List<SegmentLabelled> out = new ArrayList<>();
        for (Object[] r : em.createQuery(
                        "select l.value, r.predictedClass, r.trueClass, r.confidence from InferenceRecordEntity r,"
                                + " DeviceLabelEntity l where l.deviceId = r.deviceId and l.key = :key and"
                                + " r.modelName = :model and r.modelVersion = :version and r.trueClass is not null",
                        Object[].class)
                .setParameter("key", key)
                .setParameter("model", modelName)
                .setParameter("version", modelVersion)
                .getResultList()) {
            out.add(new SegmentLabelled((String) r[0], new Labelled((Integer) r[1], (Integer) r[2], (Float) r[3])));
        }
        return out;
    }

    /**
     * Confidences of up to {@code limit} inferences of the version: the first ones by inference time ({@code
     * oldestFirst}) or the newest.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public double[] confidences(String modelName, int modelVersion, boolean oldestFirst, int limit) {
        List<Float> values = em.createQuery(
                        "select r.confidence from InferenceRecordEntity r where r.modelName = ?1 and r.modelVersion ="
                                + " ?2 order by r.inferredAt " + (oldestFirst ? "asc" : "desc") + ", r.inferenceId",
                        Float.class)
                .setParameter(1, modelName)
                .setParameter(2, modelVersion)
                .setMaxResults(limit)
                .getResultList();
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Inferences of the version that were reported. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long count(String modelName, int modelVersion) {
        return em.createQuery(
                        "select count(r) from InferenceRecordEntity r where r.modelName = ?1 and r.modelVersion = ?2",
                        Long.class)
                .setParameter(1, modelName)
                .setParameter(2, modelVersion)
                .getSingleResult();
    }

    /** Devices whose labelled inferences of the version exist, sorted. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> labelledDevices(String modelName, int modelVersion) {
        return em.createQuery(
                        "select distinct r.deviceId from InferenceRecordEntity r where r.modelName = ?1 and"
                                + " r.modelVersion = ?2 and r.trueClass is not null order by r.deviceId",
                        String.class)
                .setParameter(1, modelName)
                .setParameter(2, modelVersion)
                .getResultList();
    }

    /** Whether any inference of the model was reported. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean anyOf(String modelName) {
        return !em.createQuery("select 1 from InferenceRecordEntity r where r.modelName = ?1", Integer.class)
                .setParameter(1, modelName)
                .setMaxResults(1)
                .getResultList()
                .isEmpty();
    }

    /** Deletes inferences received before {@code cutoff}; returns how many. */
    @Transactional
    public long trimBefore(Instant cutoff) {
        return InferenceRecordEntity.delete("receivedAt < ?1", cutoff);
    }
}
