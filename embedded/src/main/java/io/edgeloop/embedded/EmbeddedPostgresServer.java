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
import java.util.Map;

/**
 * A real PostgreSQL server (zonky's packaged binaries) running as a child process on loopback, with one database per
 * service, each owned by its own login role. Works when running as root.
 *
 * <p>Authentication is {@code scram-sha-256} for every login, the superuser included: on the first start of a fresh
 * data directory the superuser gets a random password (kept, mode 0600, in {@code <data dir>.superuser-password}
 * for a persistent data directory) and {@code pg_hba.conf} is switched from initdb's {@code trust} to password
 * authentication before any database is created. Services never get the superuser: {@link #createServiceDatabase}
 * creates a role that owns only its database (no superuser, no database or role creation; other roles cannot
 * connect to it).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** Superuser of the embedded server (password authentication; only this class uses it). */
    public static final String USER = "postgres";

    /** Login of a service: its role, password and JDBC URL. */
    public record Credentials(String user, String password, String jdbcUrl) {
        @Override
        public String toString() {
            return "Credentials[" + user + " " + jdbcUrl + "]";
        }
    }

    /**
     * Shared buffers of the server (PostgreSQL's default is 128 MB): a data set of 500,000 samples of 8 features takes
     * about 250 MB with its two id indexes and stays cached; the memory is only taken as pages are read.
     */
    static final String SHARED_BUFFERS = "384MB";

    private final int requestedPort;
    private final Path requestedDataDir;
    private EmbeddedPostgres postgres;
    private Path dataDir;
    private boolean ownsDataDir;
    private String superuserPassword;

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
            Path passwordFile = dataDir.resolveSibling(dataDir.getFileName() + ".superuser-password");
            boolean secured =
                    !ownsDataDir && Files.exists(passwordFile) && Files.exists(dataDir.resolve("pg_hba.conf"));
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setPort(requestedPort > 0 ? requestedPort : Ports.free())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(ownsDataDir)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("fsync", "off")
                    // without fsync a crash of the machine may lose data anyway: torn-page protection adds nothing
                    // but a full page image in the WAL at each page's first change after a checkpoint (random index
                    // inserts touch many pages)
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("shared_buffers", SHARED_BUFFERS)
                    .setServerConfig("max_wal_size", "2GB");
            if (secured) {
                superuserPassword = Files.readString(passwordFile).strip();
                b.setConnectConfig("password", superuserPassword);
            }
            postgres = b.start();
            if (!secured) {
                superuserPassword = Secrets.password();
                secure(ownsDataDir ? null : passwordFile);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("embedded PostgreSQL failed to start", e);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("embedded PostgreSQL could not be secured", e);
        }
        return this;
    }

    /**
     * Gives the superuser a password and switches every login to {@code scram-sha-256} (initdb leaves {@code trust});
     * the password is kept in {@code passwordFile} when the data directory outlives this process.
     */
    private void secure(Path passwordFile) throws IOException, SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("alter role " + USER + " password '" + superuserPassword + "'");
            Files.writeString(
                    dataDir.resolve("pg_hba.conf"),
                    "# written by EdgeLoop: password (SCRAM) authentication for every login\n"
                            + "local all all scram-sha-256\n"
                            + "host all all 127.0.0.1/32 scram-sha-256\n"
                            + "host all all ::1/128 scram-sha-256\n");
            s.execute("select pg_reload_conf()");
        }
        if (passwordFile != null) {
            Secrets.writeOwnerOnly(passwordFile, superuserPassword);
        }
    }

    private Connection admin(String database) throws SQLException {
        return postgres.getDatabase(USER, database, Map.of("password", superuserPassword))
                .getConnection();
    }

    public int port() {
        return postgres.getPort();
    }

    /** JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * Creates {@code database} owned by a login role of the same name unless they exist, gives the role a new random
     * password, and returns its credentials. The role is no superuser and cannot create databases or roles; only it
     * (and the superuser) may connect to the database. Names are restricted to [a-z0-9_].
     */
    public Credentials createServiceDatabase(String database) {
        return createServiceDatabase(this::admin, database, jdbcUrl(database));
    }

    /** A superuser login to a database of some server. */
    @FunctionalInterface
    public interface SuperuserLogin {
        /** Connects as the superuser to {@code database}. */
        Connection to(String database) throws SQLException;
    }

    /**
     * Creates (or gives a new password to) the login role {@code database} and its own database on any PostgreSQL
     * server, through superuser connections: no superuser, database or role creation, other roles cannot connect, and
     * the role owns the database's {@code public} schema (PostgreSQL 15 no longer lets every role create there, and a
     * NOINHERIT role does not act as {@code pg_database_owner}), as deploy/k8s/base/init-databases.sql does.
     *
     * @param jdbcUrl the URL a client uses for the new database
     */
    public static Credentials createServiceDatabase(SuperuserLogin superuser, String database, String jdbcUrl) {
        if (!database.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names are [a-z][a-z0-9_]*: " + database);
        }
        String password = Secrets.password();
        try (Connection c = superuser.to("postgres");
                Statement s = c.createStatement()) {
            if (exists(s, "select 1 from pg_roles where rolname = '" + database + "'")) {
                s.execute("alter role " + database + " login password '" + password + "'");
            } else {
                s.execute("create role " + database + " login nosuperuser nocreatedb nocreaterole noinherit"
                        + " password '" + password + "'");
            }
            if (!exists(s, "select 1 from pg_database where datname = '" + database + "'")) {
                s.execute("create database " + database + " owner " + database);
            }
            s.execute("revoke all on database " + database + " from public");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
        try (Connection c = superuser.to(database);
                Statement s = c.createStatement()) {
            s.execute("alter schema public owner to " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot give database " + database + " its public schema", e);
        }
        return new Credentials(database, password, jdbcUrl);
    }

    private static boolean exists(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            return rs.next();
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
