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
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/** The {@code recording} table (JDBC on the caller's transaction) and the windows linked to a recording. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class RecordingStore {
    private static final String COLUMNS = "id, dataset_name, label, source, device, started_at, sample_rate_hz,"
            + " original_rate_hz, length, window_stride, window_count, format, created_by, created_at";

    @Inject
    EntityManager em;

    /**
     * A stored recording.
     *
     * @param sampleRateHz the rate of the stored windows (after resampling), null when unknown
     * @param originalRateHz the rate it was sent at, null when unknown
     * @param length values per axis after resampling
     */
    public record RecordingRow(
            long id,
            String dataset,
            String label,
            String source,
            String device,
            Instant startedAt,
            Double sampleRateHz,
            Double originalRateHz,
            int length,
            int stride,
            int windowCount,
            String format,
            String createdBy,
            Instant createdAt) {}

    /** A window of a recording: the sample and its offset in the recording. */
    public record WindowRow(int offset, String sampleId) {}

    /** Inserts a recording (without id: generated) and returns its id. */
    public long insert(RecordingRow r, String contentHash) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into recording (dataset_name, content_hash, label, source, device, started_at,"
                            + " sample_rate_hz, original_rate_hz, length, window_stride, window_count, format,"
                            + " created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            + " returning id")) {
                ps.setString(1, r.dataset());
                ps.setString(2, contentHash);
                ps.setString(3, r.label());
                ps.setString(4, r.source());
                ps.setString(5, r.device());
                ps.setTimestamp(6, r.startedAt() == null ? null : Timestamp.from(r.startedAt()));
                ps.setObject(7, r.sampleRateHz(), Types.DOUBLE);
                ps.setObject(8, r.originalRateHz(), Types.DOUBLE);
                ps.setInt(9, r.length());
                ps.setInt(10, r.stride());
                ps.setInt(11, r.windowCount());
                ps.setString(12, r.format());
                ps.setString(13, r.createdBy());
                ps.setTimestamp(14, Timestamp.from(r.createdAt()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The recording of {@code dataset} with that content hash, deleted or not, or empty. */
    public Optional<RecordingRow> byContent(String dataset, String contentHash) {
        return one(
                "select " + COLUMNS + " from recording where dataset_name = ? and content_hash = ?",
                dataset,
                contentHash);
    }

    /** Live recording {@code id} of {@code dataset}, or empty (unknown or deleted). */
    public Optional<RecordingRow> get(String dataset, long id) {
        return one(
                "select " + COLUMNS + " from recording where dataset_name = ? and id = ? and deleted_at is null",
                dataset,
                id);
    }

    /**
     * Soft-deletes live recording {@code id} and its live windows at {@code at}; returns how many windows were
     * deleted, or -1 when the recording is not live.
     */
    public int delete(long id, Instant at, String by) {
        return session().doReturningWork(c -> {
            Timestamp when = Timestamp.from(at);
            try (PreparedStatement rec = c.prepareStatement("update recording set deleted_at = ?, deleted_by = ?"
                            + " where id = ? and deleted_at is null");
                    PreparedStatement windows = c.prepareStatement(
                            "update sample set deleted_at = ?" + " where recording_id = ? and deleted_at is null")) {
                rec.setTimestamp(1, when);
                rec.setString(2, by);
                rec.setLong(3, id);
                if (rec.executeUpdate() == 0) {
                    return -1;
                }
                windows.setTimestamp(1, when);
                windows.setLong(2, id);
                return windows.executeUpdate();
            }
        });
    }

    /**
     * Restores deleted recording {@code id} and the windows deleted with it (not those deleted one by one before);
     * returns how many windows came back, or -1 when the recording was not deleted.
     */
    public int restore(long id) {
        return session().doReturningWork(c -> {
            try (PreparedStatement windows = c.prepareStatement("update sample s set deleted_at = null from recording r"
                            + " where r.id = ? and r.deleted_at is not null and s.recording_id = r.id"
                            + " and s.deleted_at = r.deleted_at");
                    PreparedStatement rec = c.prepareStatement("update recording set deleted_at = null,"
                            + " deleted_by = null where id = ? and deleted_at is not null")) {
                windows.setLong(1, id);
                int restored = windows.executeUpdate();
                rec.setLong(1, id);
                return rec.executeUpdate() == 0 ? -1 : restored;
            }
        });
    }

    /** Whether recording {@code id} is deleted. */
    public boolean isDeleted(long id) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("select deleted_at is not null from recording where id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    /** Up to {@code limit} recordings of {@code dataset} with ids above {@code after}, by id. */
    public List<RecordingRow> page(String dataset, long after, int limit) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select " + COLUMNS + " from recording where dataset_name = ? and id > ? and deleted_at is null"
                            + " order by id limit ?")) {
                ps.setString(1, dataset);
                ps.setLong(2, after);
                ps.setInt(3, limit);
                return rows(ps);
            }
        });
    }

    /** The live windows of a recording, by offset. */
    public List<WindowRow> windows(long recordingId) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("select window_offset, id from sample"
                    + " where recording_id = ? and deleted_at is null order by window_offset")) {
                ps.setFetchSize(5000);
                ps.setLong(1, recordingId);
                List<WindowRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new WindowRow(rs.getInt(1), rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    private Optional<RecordingRow> one(String sql, String dataset, Object key) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, dataset);
                ps.setObject(2, key);
                return rows(ps).stream().findFirst();
            }
        });
    }

    private static List<RecordingRow> rows(PreparedStatement ps) throws SQLException {
        List<RecordingRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp started = rs.getTimestamp(6);
                out.add(new RecordingRow(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        started == null ? null : started.toInstant(),
                        (Double) rs.getObject(7),
                        (Double) rs.getObject(8),
                        rs.getInt(9),
                        rs.getInt(10),
                        rs.getInt(11),
                        rs.getString(12),
                        rs.getString(13),
                        rs.getTimestamp(14).toInstant()));
            }
        }
        return out;
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
