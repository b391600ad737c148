package io.edgeloop.data.persistence;

import io.edgeloop.data.persistence.SampleStore.NewSample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Inserts new sample rows with PostgreSQL's binary {@code COPY}: no SQL to parse and no float text to convert per
 * row, the features go as float4 bits (exact). {@code COPY} has no {@code on conflict}: the caller removes the ids
 * that are stored already (under the data set's lock), and an id inserted meanwhile by another data set's ingest (a
 * unique violation) rolls back to a savepoint and inserts the rows again with {@code on conflict do nothing}.
 */
final class SampleCopy {
    private static final String SQL = "copy sample (id, dataset_name, features, label_index, label, source, split,"
            + " ingested_at, recording_id, window_offset) from stdin with (format binary)";

    private static final byte[] HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };

    /** The float4 type's OID (array elements). */
    private static final int FLOAT4_OID = 700;

    /** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z). */
    private static final long PG_EPOCH_MICROS = 946_684_800L * 1_000_000L;

    /** Bytes buffered before they are sent to the server. */
    private static final int FLUSH_AT = 1 << 16;

    private SampleCopy() {}

    /** The outcome: rows copied, or -1 when an id was taken meanwhile (rolled back: insert them another way). */
    static int copy(Connection c, List<NewSample> samples, Instant ingestedAt) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("savepoint sample_copy");
            try {
                long n = send(c.unwrap(PGConnection.class).getCopyAPI().copyIn(SQL), samples, ingestedAt);
                st.execute("release savepoint sample_copy");
                return Math.toIntExact(n);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                st.execute("rollback to savepoint sample_copy");
                return -1;
            }
        }
    }

    private static long send(CopyIn in, List<NewSample> samples, Instant ingestedAt) throws SQLException {
        try {
            long at = ingestedAt.getEpochSecond() * 1_000_000L + ingestedAt.getNano() / 1000 - PG_EPOCH_MICROS;
            ByteBuffer buf = ByteBuffer.allocate(FLUSH_AT * 2);
            buf.put(HEADER);
            for (NewSample s : samples) {
                buf = ensure(in, buf, 128 + s.features().length * 8 + utf8Length(s));
                row(buf, s, at);
            }
            buf = ensure(in, buf, 2);
            buf.putShort((short) -1);
            in.writeToCopy(buf.array(), 0, buf.position());
            return in.endCopy();
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException cancelled) {
                    e.addSuppressed(cancelled); // the first failure is the one to report
                }
            }
            throw e;
        }
    }

    private static void row(ByteBuffer buf, NewSample s, long ingestedAtMicros) {
        buf.putShort((short) 10);
        text(buf, s.id());
        text(buf, s.dataset());
        float[] f = s.features();
        buf.putInt(20 + f.length * 8);
        buf.putInt(1).putInt(0).putInt(FLOAT4_OID).putInt(f.length).putInt(1);
        for (float v : f) {
            buf.putInt(4).putFloat(v);
        }
        if (s.labelIndex() == null) {
            buf.putInt(-1);
        } else {
            buf.putInt(2).putShort(s.labelIndex());
        }
        text(buf, s.label());
        text(buf, s.source());
        buf.putInt(2).putShort(s.split());
        buf.putInt(8).putLong(ingestedAtMicros);
        if (s.recordingId() == null) {
            buf.putInt(-1);
        } else {
            buf.putInt(8).putLong(s.recordingId());
        }
        if (s.windowOffset() == null) {
            buf.putInt(-1);
        } else {
            buf.putInt(4).putInt(s.windowOffset());
        }
    }

    private static void text(ByteBuffer buf, String s) {
        if (s == null) {
            buf.putInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        buf.putInt(b.length).put(b);
    }

    /** Bytes the row's strings take at most in UTF-8. */
    private static int utf8Length(NewSample s) {
        int n = 0;
        for (String t : new String[] {s.id(), s.dataset(), s.label(), s.source()}) {
            n += t == null ? 0 : t.length() * 3;
        }
        return n;
    }

    /** {@code buf}, flushed to the server when it has {@link #FLUSH_AT} bytes, with room for {@code need} more. */
    private static ByteBuffer ensure(CopyIn in, ByteBuffer buf, int need) throws SQLException {
        if (buf.position() >= FLUSH_AT) {
            in.writeToCopy(buf.array(), 0, buf.position());
            buf.clear();
        }
        if (buf.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(buf.position() + need + FLUSH_AT);
            buf.flip();
            bigger.put(buf);
            return bigger;
        }
        return buf;
    }
}
