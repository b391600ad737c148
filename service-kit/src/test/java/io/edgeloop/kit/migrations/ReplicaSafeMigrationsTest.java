package io.edgeloop.kit.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Replicas that start together on one empty database, each running Flyway the way the services configure it
 * ({@code baselineOnMigrate}, baseline version 1), against a real PostgreSQL.
 */
class ReplicaSafeMigrationsTest {
    private static final int REPLICAS = 4;
    private static final int ROUNDS = 8;
    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = EmbeddedPostgresServer.builder().build().start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    private static PGSimpleDataSource database(String name) {
        EmbeddedPostgresServer.Credentials db = postgres.createServiceDatabase(name);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        return ds;
    }

    private static Flyway replica(PGSimpleDataSource ds) {
        return Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/replica-race")
                .baselineOnMigrate(true)
                .baselineVersion("1")
                .callbacks(new ReplicaSafeMigrations("flyway_schema_history"))
                .load();
    }

    @Test
    void replicasStartingTogetherOnAnEmptyDatabaseAllStartAndMigrateOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                PGSimpleDataSource ds = database("race" + round);
                int executed = migrateTogether(pool, ds);
                assertEquals(3, executed, "V1..V3 ran once in all, round " + round);
                assertEquals(List.of("1:SQL", "2:SQL", "3:SQL"), history(ds), "round " + round);
                assertEquals(1, count(ds, "select count(*) from race_a"));
                assertEquals(
                        0,
                        count(ds, "select count(*) from pg_locks where locktype = 'advisory'"),
                        "no migration lock left behind");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDatabaseFromBeforeMigrationsIsBaselinedAndUpgradedOnceByRacingReplicas() throws Exception {
        PGSimpleDataSource ds = database("legacy");
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            // the schema V1 describes, as an old release left it without a history table
            s.execute("create table race_a (id bigint primary key, name text not null)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
        try {
            assertEquals(2, migrateTogether(pool, ds));
            assertEquals(List.of("1:BASELINE", "2:SQL", "3:SQL"), history(ds));
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@link #REPLICAS} replicas migrate {@code ds} at once; the migrations they ran in all. */
    private static int migrateTogether(ExecutorService pool, PGSimpleDataSource ds) throws Exception {
        CyclicBarrier together = new CyclicBarrier(REPLICAS);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
            Flyway flyway = replica(ds);
            runs.add(pool.submit(() -> {
                together.await();
                return flyway.migrate().migrationsExecuted;
            }));
        }
        int executed = 0;
        for (Future<Integer> run : runs) {
            executed += run.get(60, TimeUnit.SECONDS); // a replica that failed to start throws here
        }
        return executed;
    }

    private static List<String> history(PGSimpleDataSource ds) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select version, type from flyway_schema_history where success order by installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }

    private static long count(PGSimpleDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
