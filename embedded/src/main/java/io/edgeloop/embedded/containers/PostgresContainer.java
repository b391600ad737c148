package io.edgeloop.embedded.containers;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import io.edgeloop.embedded.EmbeddedPostgresServer.Credentials;
import io.edgeloop.embedded.Secrets;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * A PostgreSQL server in a container with password authentication (the superuser's password handed over as a file,
 * {@code POSTGRES_PASSWORD_FILE}, as both the local {@code edgeloop/postgres} image and {@code postgres} read it).
 * Services get their own role and database, never the superuser, as on {@link EmbeddedPostgresServer}.
 */
public final class PostgresContainer implements AutoCloseable {
    private static final String PASSWORD_FILE = "/tmp/edgeloop-superuser-password";
    private final Server container;
    private final String superuserPassword = Secrets.password();

    private PostgresContainer() {
        this.container = new Server(superuserPassword);
    }

    /** Starts a server in a container (up to 120 s) and waits until it accepts the superuser. */
    public static PostgresContainer start() {
        PostgresContainer p = new PostgresContainer();
        try {
            p.container.start();
            p.awaitLogin(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            String logs = p.logs();
            p.close();
            throw new IllegalStateException(
                    "PostgreSQL container " + Images.postgres() + " did not start: " + e.getMessage() + "\n" + logs, e);
        }
        return p;
    }

    /** Creates the login role {@code database} owning database {@code database}, and returns its login. */
    public Credentials createServiceDatabase(String database) {
        return EmbeddedPostgresServer.createServiceDatabase(this::superuser, database, jdbcUrl(database));
    }

    /** The JDBC URL of {@code database} on this server, from the host. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + container.getMappedPort(5432) + "/" + database;
    }

    /** The container's output so far (for failure messages). */
    public String logs() {
        return ContainerEngine.logsOf(container);
    }

    @Override
    public void close() {
        container.stop();
    }

    private Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", superuserPassword);
    }

    private void awaitLogin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = superuser("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(200); // polling a server that is starting: no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("the superuser cannot log in after " + timeout, last);
    }

    /** The container: superuser password as a file, port 5432 published on a free host port. */
    private static final class Server extends GenericContainer<Server> {
        Server(String password) {
            super(Images.postgres());
            withExposedPorts(5432);
            withEnv("POSTGRES_USER", "postgres");
            withEnv("POSTGRES_PASSWORD_FILE", PASSWORD_FILE);
            withEnv("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
            withCopyToContainer(Transferable.of(password.getBytes(StandardCharsets.UTF_8), 0644), PASSWORD_FILE);
            waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(120)));
        }
    }
}
