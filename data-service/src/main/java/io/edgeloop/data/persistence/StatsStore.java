package io.edgeloop.data.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/**
 * Aggregates over a data set's live samples, computed in PostgreSQL (no sample is loaded): counts per class and
 * split, per feature moments (count, min, max, mean, population standard deviation) and histograms ({@code
 * width_bucket} between each feature's min and max). Every method needs the caller's transaction; {@link
 * #repeatableRead()} first makes the queries of one transaction agree with each other.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class StatsStore {
    /** Live samples of a data set, optionally of one split ({@code split = 0}: all, unlabeled ones included). */
    private static final String LIVE = " from sample s where s.dataset_name = ? and s.deleted_at is null";

    private static final String VALUES = " from sample s cross join lateral unnest(s.features) with ordinality"
            + " as u(f, i) where s.dataset_name = ? and s.deleted_at is null";

    @Inject
    EntityManager em;

    /** Samples of one class index (null: unlabeled) in one split code (0: none). */
    public record GroupCount(Integer labelIndex, int split, long count) {}

    /** A feature's moments; min, max, mean and std null when it has no value. */
    public record Moments(int feature, long count, Float min, Float max, Double mean, Double std) {}

    /** Values of a feature in bin {@code bin} (1-based). */
    public record BinCount(int feature, int bin, long count) {}

    /**
     * Makes the rest of the transaction read one snapshot of the database, read-only; must run before any other
     * statement of the transaction.
     */
    public void repeatableRead() {
        session().doWork(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("set transaction isolation level repeatable read, read only")) {
                ps.execute();
            }
        });
    }

    /** Live samples per class index and split ({@code split} > 0: that split only). */
    public List<GroupCount> groupCounts(String dataset, int split) {
        return session().doReturningWork(c -> {
            List<GroupCount> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select s.label_index, s.split, count(*)" + LIVE
                    + (split > 0 ? " and s.split = ?" : "") + " group by s.label_index, s.split")) {
                bind(ps, dataset, split);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int label = rs.getInt(1);
                        out.add(new GroupCount(rs.wasNull() ? null : label, rs.getInt(2), rs.getLong(3)));
                    }
                }
            }
            return out;
        });
    }

    /** Moments of each feature (1-based index, as in SQL arrays) over the live samples. */
    public List<Moments> moments(String dataset, int split) {
        return session().doReturningWork(c -> {
            List<Moments> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select u.i, count(*), min(u.f), max(u.f),"
                    + " avg(u.f::float8), stddev_pop(u.f::float8)" + VALUES
                    + (split > 0 ? " and s.split = ?" : "") + " group by u.i order by u.i")) {
                bind(ps, dataset, split);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Moments(
                                rs.getInt(1),
                                rs.getLong(2),
                                rs.getFloat(3),
                                rs.getFloat(4),
                                rs.getDouble(5),
                                rs.getDouble(6)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Histogram counts of every feature: {@code bins} equal bins between {@code low[f]} and {@code high[f]} (the
     * feature's min and max; the max falls into the last bin; a feature with {@code low == high} has all its values in
     * bin 1). Empty bins are not returned.
     */
    public List<BinCount> histograms(String dataset, int split, double[] low, double[] high, int bins) {
        return session().doReturningWork(c -> {
            List<BinCount> out = new ArrayList<>();
            String bucket = "width_bucket(u.f::float8, b.lo[u.i::int], b.hi[u.i::int], ?)";
            try (PreparedStatement ps = c.prepareStatement("select u.i, case when b.lo[u.i::int] < b.hi[u.i::int]"
                    + " then least(greatest(" + bucket + ", 1), ?) else 1 end as bin, count(*)"
                    + " from sample s cross join lateral unnest(s.features) with ordinality as u(f, i)"
                    + " cross join (select ?::float8[] as lo, ?::float8[] as hi) b"
                    + " where s.dataset_name = ? and s.deleted_at is null" + (split > 0 ? " and s.split = ?" : "")
                    + " group by u.i, bin")) {
                ps.setInt(1, bins);
                ps.setInt(2, bins);
                ps.setArray(3, doubles(c, low));
                ps.setArray(4, doubles(c, high));
                ps.setString(5, dataset);
                if (split > 0) {
                    ps.setShort(6, (short) split);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BinCount(rs.getInt(1), rs.getInt(2), rs.getLong(3)));
                    }
                }
            }
            return out;
        });
    }

    private static void bind(PreparedStatement ps, String dataset, int split) throws SQLException {
        ps.setString(1, dataset);
        if (split > 0) {
            ps.setShort(2, (short) split);
        }
    }

    private static java.sql.Array doubles(Connection c, double[] values) throws SQLException {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return c.createArrayOf("float8", boxed);
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
