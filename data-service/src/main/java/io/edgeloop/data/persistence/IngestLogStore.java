package io.edgeloop.data.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.hibernate.Session;

/** The {@code ingest_log} table (JDBC on the caller's transaction): one row per ingest request. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class IngestLogStore {
    private static final String COLUMNS = "id, dataset_name, received_at, finished_at, subject, format, source,"
            + " outcome, status, rows_received, accepted, rejected, duplicates, detail, rejections::text";

    private static final TypeReference<List<Rejection>> REJECTIONS = new TypeReference<>() {};

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    /**
     * A reason a row (or the request) was refused.
     *
     * @param row the number the field names (a JSON batch's {@code samples[i]} index, a CSV line), null when the
     *     reason is about the request as a whole
     */
    public record Rejection(Long row, String field, String message) {}

    /** A logged ingest request; {@code id} is 0 for one not stored yet. */
    public record IngestRow(
            long id,
            String dataset,
            Instant receivedAt,
            Instant finishedAt,
            String subject,
            String format,
            String source,
            String outcome,
            int status,
            long rows,
            long accepted,
            long rejected,
            long duplicates,
            String detail,
            List<Rejection> rejections) {}

    /** Stores {@code row}, then keeps only the newest {@code keep} rows of its data set; returns its id. */
    public long insert(IngestRow row, int keep) {
        return session().doReturningWork(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into ingest_log (dataset_name, received_at, finished_at, subject, format, source, outcome,"
                            + " status, rows_received, accepted, rejected, duplicates, detail, rejections)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) returning id")) {
                ps.setString(1, row.dataset());
                ps.setTimestamp(2, Timestamp.from(row.receivedAt()));
                ps.setTimestamp(3, Timestamp.from(row.finishedAt()));
                ps.setString(4, row.subject());
                ps.setString(5, row.format());
                ps.setString(6, row.source());
                ps.setString(7, row.outcome());
                ps.setInt(8, row.status());
                ps.setLong(9, row.rows());
                ps.setLong(10, row.accepted());
                ps.setLong(11, row.rejected());
                ps.setLong(12, row.duplicates());
                ps.setString(13, row.detail());
                ps.setString(14, write(row.rejections()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("delete from ingest_log where dataset_name = ? and id <="
                    + " (select id from ingest_log where dataset_name = ? order by id desc offset ? limit 1)")) {
                ps.setString(1, row.dataset());
                ps.setString(2, row.dataset());
                ps.setInt(3, keep);
                ps.executeUpdate();
            }
            return id;
        });
    }

    /** The newest {@code limit} rows of a data set, newest first. */
    public List<IngestRow> newest(String dataset, int limit) {
        return session().doReturningWork(c -> {
            List<IngestRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select " + COLUMNS + " from ingest_log where dataset_name = ? order by id desc limit ?")) {
                ps.setString(1, dataset);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return out;
        });
    }

    private IngestRow row(ResultSet rs) throws SQLException {
        return new IngestRow(
                rs.getLong(1),
                rs.getString(2),
                rs.getTimestamp(3).toInstant(),
                rs.getTimestamp(4).toInstant(),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getInt(9),
                rs.getLong(10),
                rs.getLong(11),
                rs.getLong(12),
                rs.getLong(13),
                rs.getString(14),
                read(rs.getString(15)));
    }

    private String write(List<Rejection> rejections) {
        try {
            return json.writeValueAsString(rejections);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ingest log reasons not writable as JSON", e);
        }
    }

    private List<Rejection> read(String text) {
        try {
            return json.readValue(text, REJECTIONS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ingest log reasons not readable", e);
        }
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
