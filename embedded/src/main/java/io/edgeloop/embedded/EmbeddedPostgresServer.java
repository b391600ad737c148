package io.edgeloop.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server (zonky's packaged binaries) running as a child process on loopback, with one database per
 * service. Works when running as root.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** Superuser of the embedded server (trust authentication on loopback). */
    public static final String USER = "postgres";

    private final int requestedPort;
    private final Path requestedDataDir;
    private EmbeddedPostgres postgres;
    private Path dataDir;
    private boolean ownsDataDir;

    private EmbeddedPostgresServer(Builder b) {
        this.requestedPort = b.port;
        this.requestedDataDir = b.dataDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the server. */
    public synchronized EmbeddedPostgresServer start() {
        if (postgres != null) {
            return this;
        }
        try {
            ownsDataDir = requestedDataDir == null;
            dataDir = ownsDataDir ? Files.createTempDirectory("edgeloop-pg-") : requestedDataDir;
            postgres = EmbeddedPostgres.builder()
                    .setPort(requestedPort > 0 ? requestedPort : Ports.free())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(ownsDataDir)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("embedded PostgreSQL failed to start", e);
        }
        return this;
    }

    public int port() {
        return postgres.getPort();
    }

    /** JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Creates {@code database} unless it exists. Names are restricted to [a-z0-9_]. */
    public void createDatabase(String database) {
        if (!database.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("database names are [a-z0-9_]+: " + database);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("create database " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
    }

    /** Stops the server and removes its data directory if this instance created it. */
    @Override
    public synchronized void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the process is gone either way
            } finally {
                postgres = null;
            }
        }
        if (ownsDataDir) {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    /** Optional settings. */
    public static final class Builder {
        private int port;
        private Path dataDir;

        /** Port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Persistent data directory; by default a temporary one, deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public EmbeddedPostgresServer build() {
            return new EmbeddedPostgresServer(this);
        }
    }
}
