package io.edgeloop.embedded.quarkus;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts an embedded PostgreSQL server with a {@code test} database and points the default datasource at it. */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {
    private EmbeddedPostgresServer postgres;

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgresServer.builder().build().start();
        postgres.createDatabase("test");
        return Map.of(
                "quarkus.datasource.jdbc.url",
                postgres.jdbcUrl("test"),
                "quarkus.datasource.username",
                EmbeddedPostgresServer.USER,
                "quarkus.datasource.password",
                "",
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
