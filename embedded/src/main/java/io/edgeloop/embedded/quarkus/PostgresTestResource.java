package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts an embedded PostgreSQL server with a {@code test} database owned by a {@code test} role (password
 * authentication, no superuser) and points the default datasource at it.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {
    private EmbeddedPostgresServer postgres;

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgresServer.builder().build().start();
        EmbeddedPostgresServer.Credentials db = postgres.createServiceDatabase("test");
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
            postgres.close();
        }
    }
}
