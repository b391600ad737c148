package io.edgeloop.data.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * Sample curation rows: labels and their history, paged listings, the cursor of a data-set export and soft
 * deletion. Plain JDBC on the transaction's connection; every method needs the caller's transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class LabelStore {
    /** Ids a statement takes at most (the rest go in further statements). */
    private static final int IDS_PER_STATEMENT = 1000;

    @Inject
    EntityManager em;

    /** A live sample's label state: label index (null = unlabeled), label and split code (0 = none). */
    public record LabelState(String id, Short labelIndex, String label, short split) {}

    /** A label to write: the sample, its new label index and label, and its split code. */
    public record LabelUpdate(String id, short labelIndex, String label, short split) {}

    /** One recorded label change ({@code oldLabel} null = the sample's first label). */
    public record LabelChange(String oldLabel, String newLabel, String changedBy, Instant changedAt) {}

    /** A stored sample as listed and exported; label null and split 0 when unlabeled. */
    public record SampleRow(
            String id, float[] features, String label, short split, String source, Instant ingestedAt) {}

    /** Receives streamed rows; may throw to stop the stream. */
    @FunctionalInterface
    public interface SampleSink {
        void accept(SampleRow row) throws Exception;
    }

    /** The label state of those of {@code ids} that are live samples of {@code dataset}, by id. */
    public Map<String, LabelState> liveStates(String dataset, List<String> ids) {
        Map<String, LabelState> out = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
            session().doWork(c -> {
                try (PreparedStatement ps = c.prepareStatement("select id, label_index, label, split from sample"
                        + " where dataset_name = ? and deleted_at is null and id = any (?)")) {
                    ps.setString(1, dataset);
                    ps.setArray(2, c.createArrayOf("varchar", part.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            short index = rs.getShort(2);
                            Short labelIndex = rs.wasNull() ? null : index;
                            out.put(
                                    rs.getString(1),
                                    new LabelState(rs.getString(1), labelIndex, rs.getString(3), rs.getShort(4)));
                        }
                    }
                }
            });
        }
        return out;
    }

    /** Whether {@code id} is a sample of {@code dataset}, deleted or not. */
    public boolean exists(String dataset, String id) {
        return !em.createQuery("select s.id from SampleEntity s where s.id = :id and s.datasetName = :d", String.class)
                .setParameter("id", id)
                .setParameter("d", dataset)
                .setMaxResults(1)
                .getResultList()
                .isEmpty();
    }

    /** Writes new labels (marking them edited after ingest) and records each change, by {@code who} at {@code at}. */
    public void relabel(
            String dataset, List<LabelUpdate> updates, Map<String, String> oldLabels, String who, Instant at) {
        session().doWork(c -> {
            try (PreparedStatement up = c.prepareStatement(
                            "update sample set label_index = ?, label = ?, split = ?, label_edited = true where id = ?");
                    PreparedStatement history = c.prepareStatement("insert into label_change"
                            + " (sample_id, dataset_name, old_label, new_label, changed_by, changed_at)"
                            + " values (?, ?, ?, ?, ?, ?)")) {
                Timestamp when = Timestamp.from(at);
                for (LabelUpdate u : updates) {
                    up.setShort(1, u.labelIndex());
                    up.setString(2, u.label());
                    up.setShort(3, u.split());
                    up.setString(4, u.id());
                    up.addBatch();
                    history.setString(1, u.id());
                    history.setString(2, dataset);
                    String old = oldLabels.get(u.id());
                    if (old == null) {
                        history.setNull(3, Types.VARCHAR);
                    } else {
                        history.setString(3, old);
                    }
                    history.setString(4, u.label());
                    history.setString(5, who);
                    history.setTimestamp(6, when);
                    history.addBatch();
                }
                up.executeBatch();
                history.executeBatch();
            }
        });
    }

    /** Every label change of sample {@code id}, oldest first. */
    public List<LabelChange> history(String id) {
        return session().doReturningWork(c -> {
            List<LabelChange> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select old_label, new_label, changed_by, changed_at"
                    + " from label_change where sample_id = ? order by id")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LabelChange(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getTimestamp(4).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Up to {@code limit} live samples of {@code dataset} with ids after {@code after} (null = from the start),
     * ordered by id; {@code labeled} true = labelled only, false = unlabeled only, null = all.
     */
    public List<SampleRow> page(String dataset, Boolean labeled, String after, int limit) {
        List<SampleRow> out = new ArrayList<>(limit);
        query(dataset, labeled, after, limit, limit, out::add);
        return out;
    }

    /**
     * Streams every live sample of {@code dataset} ordered by id through a server-side cursor ({@code fetchSize} rows
     * at a time): memory stays flat whatever the data set's size.
     */
    public void stream(String dataset, int fetchSize, SampleSink sink) {
        query(dataset, null, null, 0, fetchSize, sink);
    }

    private void query(String dataset, Boolean labeled, String after, int limit, int fetchSize, SampleSink sink) {
        String sql = "select id, features, label, split, source, ingested_at from sample"
                + " where dataset_name = ? and deleted_at is null"
                + (labeled == null ? "" : labeled ? " and label_index is not null" : " and label_index is null")
                + (after == null ? "" : " and id > ?")
                + " order by id"
                + (limit > 0 ? " limit " + limit : "");
        session().doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(fetchSize);
                ps.setString(1, dataset);
                if (after != null) {
                    ps.setString(2, after);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new SampleRow(
                                rs.getString(1),
                                SampleStore.floats(rs.getArray(2)),
                                rs.getString(3),
                                rs.getShort(4),
                                rs.getString(5),
                                rs.getTimestamp(6).toInstant()));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("streaming samples of " + dataset + " stopped: " + e.getMessage(), e);
            }
        });
    }

    /** Soft-deletes the given live samples of {@code dataset}; returns how many were deleted. */
    public int delete(String dataset, List<String> ids, Instant at) {
        int deleted = 0;
        for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
            deleted += session().doReturningWork(c -> {
                try (PreparedStatement ps = c.prepareStatement("update sample set deleted_at = ?"
                        + " where dataset_name = ? and deleted_at is null and id = any (?)")) {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setString(2, dataset);
                    ps.setArray(3, c.createArrayOf("varchar", part.toArray()));
                    return ps.executeUpdate();
                }
            });
        }
        return deleted;
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
