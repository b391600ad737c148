package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import io.edgeloop.embedded.EmbeddedPostgresServer.Credentials;
import io.edgeloop.embedded.containers.PostgresContainer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a PostgreSQL server with a {@code test} database owned by a {@code test} role (password authentication, no
 * superuser) and points the default datasource at it: in-process by default, in a container when {@link TestInfra}
 * says so. With Dev Services it starts none.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {
    private AutoCloseable postgres;

    @Override
    public Map<String, String> start() {
        if (TestInfra.devServices()) {
            return Map.of(); // Quarkus' datasource Dev Services start the server and set the datasource
        }
        Credentials db;
        if (TestInfra.containers()) {
            PostgresContainer container = PostgresContainer.start();
            postgres = container;
            db = container.createServiceDatabase("test");
        } else {
            EmbeddedPostgresServer server =
                    EmbeddedPostgresServer.builder().build().start();
            postgres = server;
            db = server.createServiceDatabase("test");
        }
        TestInfra.log("PostgreSQL", postgres, db.jdbcUrl());
        return Map.of(
                "quarkus.datasource.jdbc.url",
                db.jdbcUrl(),
                "quarkus.datasource.username",
                db.user(),
                "quarkus.datasource.password",
                db.password(),
                "quarkus.datasource.devservices.enabled",
                "false");
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop PostgreSQL", e);
            }
        }
    }
}
