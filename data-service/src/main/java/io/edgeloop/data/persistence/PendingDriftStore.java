package io.edgeloop.data.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Drift verdicts waiting for new data ({@code pending_drift}, V13), one per data set, and the data set's last activity
 * (newest ingest, deletion or label change). Plain JDBC on the transaction's connection; every method needs the
 * caller's transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class PendingDriftStore {
    @Inject
    EntityManager em;

    /**
     * A drift verdict waiting for new data.
     *
     * @param checkedThrough activity up to this time was judged: only later activity can make the data set new
     */
    public record PendingDrift(
            String datasetName,
            String eventId,
            String modelName,
            int modelVersion,
            double driftScore,
            double threshold,
            Instant detectedAt,
            Instant checkedThrough) {}

    /** Stores {@code p}, replacing the data set's earlier pending verdict. */
    public void upsert(PendingDrift p) {
        update(
                "insert into pending_drift (dataset_name, event_id, model_name, model_version, drift_score, threshold,"
                        + " detected_at, checked_through) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (dataset_name)"
                        + " do update set event_id = excluded.event_id, model_name = excluded.model_name,"
                        + " model_version = excluded.model_version, drift_score = excluded.drift_score,"
                        + " threshold = excluded.threshold, detected_at = excluded.detected_at,"
                        + " checked_through = excluded.checked_through",
                ps -> {
                    ps.setString(1, p.datasetName());
                    ps.setString(2, p.eventId());
                    ps.setString(3, p.modelName());
                    ps.setInt(4, p.modelVersion());
                    ps.setDouble(5, p.driftScore());
                    ps.setDouble(6, p.threshold());
                    ps.setTimestamp(7, Timestamp.from(p.detectedAt()));
                    ps.setTimestamp(8, Timestamp.from(p.checkedThrough()));
                });
    }

    /** Deletes the data set's pending verdict; true when there was one. */
    public boolean delete(String dataset) {
        return update("delete from pending_drift where dataset_name = ?", ps -> ps.setString(1, dataset)) > 0;
    }

    /** Moves the judged activity of the data set's pending verdict forward. */
    public void checkedThrough(String dataset, Instant through) {
        update("update pending_drift set checked_through = ? where dataset_name = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(through));
            ps.setString(2, dataset);
        });
    }

    /** The data set's pending verdict. */
    public Optional<PendingDrift> find(String dataset) {
        List<PendingDrift> rows = query("select * from pending_drift where dataset_name = ?", dataset);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Every pending verdict, oldest first. */
    public List<PendingDrift> all() {
        return query("select * from pending_drift order by detected_at, dataset_name", null);
    }

    /**
     * Locks the data set's row without waiting: false when another transaction holds it (an ingest, a cut) or the
     * data set does not exist.
     */
    public boolean tryLockDataset(String dataset) {
        return Boolean.TRUE.equals(session().doReturningWork(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("select name from dataset where name = ? for update skip locked")) {
                ps.setString(1, dataset);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }));
    }

    /** When the data set last changed (a sample ingested or deleted, a label changed); empty when never. */
    public Optional<Instant> lastActivity(String dataset) {
        return Optional.ofNullable(session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("select greatest((select max(ingested_at) from sample"
                    + " where dataset_name = ?), (select max(deleted_at) from sample where dataset_name = ?),"
                    + " (select max(changed_at) from label_change where dataset_name = ?))")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setString(i, dataset);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Timestamp t = rs.getTimestamp(1);
                    return t == null ? null : t.toInstant();
                }
            }
        }));
    }

    private List<PendingDrift> query(String sql, String dataset) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (dataset != null) {
                    ps.setString(1, dataset);
                }
                List<PendingDrift> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PendingDrift(
                                rs.getString("dataset_name"),
                                rs.getString("event_id"),
                                rs.getString("model_name"),
                                rs.getInt("model_version"),
                                rs.getDouble("drift_score"),
                                rs.getDouble("threshold"),
                                rs.getTimestamp("detected_at").toInstant(),
                                rs.getTimestamp("checked_through").toInstant()));
                    }
                }
                return out;
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
