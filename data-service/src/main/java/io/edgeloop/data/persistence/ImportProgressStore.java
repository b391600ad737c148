package io.edgeloop.data.persistence;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rows of {@code import_progress} (V14). Every write runs in a short transaction of its own (the import it describes
 * runs in a long one that commits only at its end), so other replicas see the progress at once.
 */
@ApplicationScoped
public class ImportProgressStore {
    @Inject
    AgroalDataSource dataSource;

    /**
     * One import's row.
     *
     * @param state {@code running}, {@code stored}, {@code rejected} or {@code failed}
     */
    public record Row(
            String datasetName,
            String importId,
            String format,
            String subject,
            String state,
            long bytesRead,
            long rowsRead,
            long accepted,
            long duplicates,
            long rejected,
            Instant startedAt,
            Instant updatedAt,
            Instant finishedAt,
            Integer status,
            String detail) {}

    /** Inserts a new running import; false when the data set has an import of that id already. */
    public boolean insert(Row r) {
        return write(
                        "insert into import_progress (dataset_name, import_id, format, subject, state, bytes_read,"
                                + " rows_read, accepted, duplicates, rejected, started_at, updated_at, finished_at, status,"
                                + " detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                + " on conflict (dataset_name, import_id) do nothing",
                        ps -> {
                            ps.setString(1, r.datasetName());
                            ps.setString(2, r.importId());
                            ps.setString(3, r.format());
                            ps.setString(4, r.subject());
                            ps.setString(5, r.state());
                            bindCounts(ps, 6, r);
                            ps.setTimestamp(11, Timestamp.from(r.startedAt()));
                            ps.setTimestamp(12, Timestamp.from(r.updatedAt()));
                            ps.setTimestamp(13, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
                            if (r.status() == null) {
                                ps.setNull(14, Types.INTEGER);
                            } else {
                                ps.setInt(14, r.status());
                            }
                            ps.setString(15, r.detail());
                        })
                > 0;
    }

    /** Writes the counts, state, end and detail of an import. */
    public void update(Row r) {
        write(
                "update import_progress set state = ?, bytes_read = ?, rows_read = ?, accepted = ?, duplicates = ?,"
                        + " rejected = ?, updated_at = ?, finished_at = ?, status = ?, detail = ?"
                        + " where dataset_name = ? and import_id = ?",
                ps -> {
                    ps.setString(1, r.state());
                    bindCounts(ps, 2, r);
                    ps.setTimestamp(7, Timestamp.from(r.updatedAt()));
                    ps.setTimestamp(8, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
                    if (r.status() == null) {
                        ps.setNull(9, Types.INTEGER);
                    } else {
                        ps.setInt(9, r.status());
                    }
                    ps.setString(10, r.detail());
                    ps.setString(11, r.datasetName());
                    ps.setString(12, r.importId());
                });
    }

    /** Deletes the oldest finished imports beyond the newest {@code keep}. */
    public void trim(int keep) {
        write(
                "delete from import_progress where (dataset_name, import_id) in (select dataset_name, import_id"
                        + " from import_progress where finished_at is not null order by finished_at desc offset ?)",
                ps -> ps.setInt(1, keep));
    }

    /** The import {@code id} of {@code dataset}. */
    public Optional<Row> find(String dataset, String id) {
        List<Row> rows = read("select * from import_progress where dataset_name = ? and import_id = ?", dataset, id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The imports of {@code dataset}, newest first. */
    public List<Row> list(String dataset) {
        return read(
                "select * from import_progress where dataset_name = ? order by started_at desc, import_id",
                dataset,
                null);
    }

    private static void bindCounts(PreparedStatement ps, int first, Row r) throws SQLException {
        ps.setLong(first, r.bytesRead());
        ps.setLong(first + 1, r.rowsRead());
        ps.setLong(first + 2, r.accepted());
        ps.setLong(first + 3, r.duplicates());
        ps.setLong(first + 4, r.rejected());
    }

    private List<Row> read(String sql, String dataset, String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, dataset);
            if (id != null) {
                ps.setString(2, id);
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading import progress failed", e);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        int code = rs.getInt("status");
        Integer status = rs.wasNull() ? null : code;
        return new Row(
                rs.getString("dataset_name"),
                rs.getString("import_id"),
                rs.getString("format"),
                rs.getString("subject"),
                rs.getString("state"),
                rs.getLong("bytes_read"),
                rs.getLong("rows_read"),
                rs.getLong("accepted"),
                rs.getLong("duplicates"),
                rs.getLong("rejected"),
                rs.getTimestamp("started_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                finished == null ? null : finished.toInstant(),
                status,
                rs.getString("detail"));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Runs one statement in a transaction of its own (suspending the caller's, if any). */
    private int write(String sql, Binder binder) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }
}
