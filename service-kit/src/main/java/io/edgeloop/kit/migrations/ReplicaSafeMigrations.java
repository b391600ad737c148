package io.edgeloop.kit.migrations;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Serializes Flyway's whole {@code migrate} (validation, the "is there a history table?" check, baseline, the
 * migrations) across processes with a PostgreSQL session advisory lock.
 *
 * <p>Flyway locks while it applies migrations, but not around the check that decides between creating the history
 * table and baselining a non-empty schema. Two replicas starting together on an empty database race there: the second
 * sees the first one's new tables, decides to baseline, and fails with "Unable to baseline schema history table ... as
 * it already exists, and is empty" (flyway/flyway#2243). With this callback the second replica waits on
 * {@link Event#BEFORE_VALIDATE} (the first event of {@code migrate} when {@code validateOnMigrate} is on, the Quarkus
 * default) until the first has finished, then finds the schema up to date.
 *
 * <p>The lock is held on a connection of its own (Flyway's callback events run on several connections) and released
 * when the migration ends or fails; if a process dies holding it, PostgreSQL releases it with the session.
 */
public final class ReplicaSafeMigrations implements Callback {
    private static final Set<Event> RELEASE = EnumSet.of(
            Event.AFTER_MIGRATE,
            Event.AFTER_MIGRATE_ERROR,
            Event.AFTER_VALIDATE_ERROR,
            Event.AFTER_BASELINE_ERROR,
            Event.AFTER_MIGRATE_OPERATION_FINISH);

    private final long key;
    private Connection lockHolder;

    /**
     * A lock for one schema history table; replicas of one service use the same name, different services in one
     * database (not a layout EdgeLoop uses) use different ones.
     *
     * @param name the name the lock key is derived from, e.g. the history table's
     */
    public ReplicaSafeMigrations(String name) {
        CRC32 crc = new CRC32();
        crc.update(("edgeloop-migrations:" + name).getBytes(StandardCharsets.UTF_8));
        this.key = crc.getValue();
    }

    /** The advisory lock key, for operators looking at {@code pg_locks}. */
    public long key() {
        return key;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_VALIDATE || RELEASE.contains(event);
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return false;
    }

    @Override
    public synchronized void handle(Event event, Context context) {
        try {
            if (event == Event.BEFORE_VALIDATE) {
                acquire(context);
            } else {
                release();
            }
        } catch (SQLException e) {
            release();
            throw new FlywayException("migration lock " + key + ": " + e.getMessage(), e);
        }
    }

    private void acquire(Context context) throws SQLException {
        if (lockHolder != null) {
            return; // validate inside an already locked migrate
        }
        Connection connection = context.getConfiguration().getDataSource().getConnection();
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_lock(?)")) {
                lock.setLong(1, key);
                lock.execute();
            }
            lockHolder = connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    private void release() {
        Connection connection = lockHolder;
        lockHolder = null;
        if (connection == null) {
            return;
        }
        try (connection;
                PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
            unlock.setLong(1, key);
            unlock.execute();
        } catch (SQLException e) {
            // the session ends with the connection's close below or the process; the lock goes with it
        }
    }

    @Override
    public String getCallbackName() {
        return "edgeloop-replica-safe-migrations";
    }
}
