package io.edgeloop.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgeloop.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;

/**
 * Checks a service's Flyway migrations ({@code classpath:db/migration}) against the database its previous release
 * left behind: a schema made by Hibernate's {@code update} strategy, with rows and without Flyway history.
 *
 * <p>{@link #assertUpgradesPreviousRelease} loads a committed SQL dump of that database into an empty embedded
 * PostgreSQL (as the service's own non-superuser role, like production), runs Flyway configured as the service's
 * {@code application.properties} configures it ({@code baseline-on-migrate}, {@code baseline-version}), and asserts
 * that the database was baselined at the previous release's version, that every row survived, and that its schema
 * is then exactly the one the same migrations build on an empty database (which the service's Hibernate validates
 * in its {@code @QuarkusTest}s). A later migration that changes only one of the two paths fails here.
 *
 * <p>Plain JUnit (no Quarkus): call it from an ordinary test class of the service.
 */
public final class MigrationChecks {
    /** Flyway's history table; not part of the compared schema. */
    public static final String HISTORY_TABLE = "flyway_schema_history";

    private MigrationChecks() {}

    /** Extra assertions on the migrated database of the previous release (its rows, typically). */
    @FunctionalInterface
    public interface DatabaseCheck {
        void check(Connection migrated) throws SQLException;
    }

    /**
     * Loads {@code previousReleaseDump} (a classpath resource: SQL statements) into an empty database, migrates it
     * like the service does at start and asserts the outcome described in the class comment; then runs {@code rows}
     * on the migrated database.
     */
    public static void assertUpgradesPreviousRelease(String previousReleaseDump, DatabaseCheck rows) {
        Properties config = serviceConfig();
        assertServiceConfig(config);
        String baselineVersion = config.getProperty("quarkus.flyway.baseline-version", "1");
        String dump = resource(previousReleaseDump);
        try (EmbeddedPostgresServer pg =
                EmbeddedPostgresServer.builder().build().start()) {
            EmbeddedPostgresServer.Credentials previous = pg.createServiceDatabase("previous_release");
            EmbeddedPostgresServer.Credentials fresh = pg.createServiceDatabase("fresh");
            Map<String, Long> rowsBefore;
            try (Connection c = connect(previous);
                    Statement s = c.createStatement()) {
                s.execute(dump);
                assertTrue(
                        tables(c).stream().noneMatch(HISTORY_TABLE::equals),
                        "the previous release had no Flyway history: " + previousReleaseDump);
                rowsBefore = rowCounts(c);
            }
            migrate(previous, config);
            migrate(fresh, config);
            try (Connection old = connect(previous);
                    Connection empty = connect(fresh)) {
                assertEquals(
                        List.of(baselineVersion + " BASELINE true"),
                        history(old).subList(0, 1),
                        "the previous release's database is baselined at " + baselineVersion);
                assertEquals("1 SQL true", history(empty).get(0), "an empty database runs every migration from V1");
                Map<String, Long> rowsAfter = rowCounts(old);
                rowsBefore.forEach((table, count) ->
                        assertEquals(count, rowsAfter.get(table), "rows of " + table + " after the migration"));
                assertSameSchema(schema(empty), schema(old));
                if (rows != null) {
                    rows.check(old);
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("migration check failed: " + e.getMessage(), e);
        }
    }

    /**
     * Asserts the settings this check relies on: Flyway migrates at start and baselines an unversioned database,
     * clean is disabled outside tests, and Hibernate only validates (in every profile).
     */
    public static void assertServiceConfig(Properties config) {
        assertEquals(
                "true",
                config.getProperty("quarkus.flyway.migrate-at-start"),
                "the service must migrate at start (quarkus.flyway.migrate-at-start)");
        assertEquals(
                "true",
                config.getProperty("quarkus.flyway.baseline-on-migrate"),
                "the service must baseline a database of the previous release (quarkus.flyway.baseline-on-migrate)");
        assertEquals(
                "true",
                config.getProperty("quarkus.flyway.clean-disabled"),
                "Flyway clean must be disabled outside tests (quarkus.flyway.clean-disabled)");
        config.stringPropertyNames().stream()
                .filter(k -> k.endsWith("quarkus.hibernate-orm.schema-management.strategy")
                        || k.endsWith("quarkus.hibernate-orm.database.generation"))
                .forEach(k -> assertEquals(
                        "validate", config.getProperty(k), k + ": the schema belongs to Flyway, Hibernate validates"));
        assertEquals(
                "validate",
                config.getProperty("quarkus.hibernate-orm.schema-management.strategy"),
                "quarkus.hibernate-orm.schema-management.strategy");
    }

    /** Fails, naming what differs, unless both schema descriptions (see {@link #schema}) are equal. */
    public static void assertSameSchema(List<String> expected, List<String> actual) {
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        TreeSet<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail("the migrated previous release differs from a freshly migrated database\n  only in the fresh one: "
                    + String.join("\n    ", missing) + "\n  only in the migrated one: " + String.join("\n    ", extra));
        }
    }

    /**
     * A sorted, comparable description of the current schema (Flyway's history table left out): tables, columns
     * (type, collation, nullability, default, identity), constraints, indexes, sequences, triggers and functions, one line
     * each.
     */
    public static List<String> schema(Connection c) throws SQLException {
        TreeSet<String> lines = new TreeSet<>();
        lines.addAll(rows(
                c,
                "select 'column ' || t.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                        + " || coalesce((select ' collate ' || quote_ident(co.collname) from pg_collation co"
                        + " join pg_type ty on ty.oid = a.atttypid"
                        + " where co.oid = a.attcollation and a.attcollation <> ty.typcollation), '')"
                        + " || case when a.attnotnull then ' not null' else '' end"
                        + " || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')"
                        + " || case a.attidentity when 'a' then ' identity always' when 'd' then ' identity' else '' end"
                        + " from pg_attribute a join pg_class t on t.oid = a.attrelid"
                        + " join pg_namespace n on n.oid = t.relnamespace"
                        + " left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
                        + " where n.nspname = current_schema() and t.relkind in ('r', 'p') and a.attnum > 0"
                        + " and not a.attisdropped and t.relname <> '" + HISTORY_TABLE + "'"));
        lines.addAll(rows(
                c,
                "select 'constraint ' || t.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)"
                        + " from pg_constraint k join pg_class t on t.oid = k.conrelid"
                        + " join pg_namespace n on n.oid = t.relnamespace"
                        + " where n.nspname = current_schema() and t.relname <> '" + HISTORY_TABLE + "'"));
        lines.addAll(rows(
                c,
                "select 'index ' || tablename || '.' || indexname || ' ' || indexdef from pg_indexes"
                        + " where schemaname = current_schema() and tablename <> '" + HISTORY_TABLE + "'"));
        lines.addAll(rows(
                c,
                "select 'sequence ' || sequencename || ' ' || data_type || ' start ' || start_value || ' increment '"
                        + " || increment_by || ' min ' || min_value || ' max ' || max_value || ' cache ' || cache_size"
                        + " || case when cycle then ' cycle' else '' end"
                        + " from pg_sequences where schemaname = current_schema()"));
        lines.addAll(rows(
                c,
                "select 'trigger ' || t.relname || '.' || g.tgname || ' ' || pg_get_triggerdef(g.oid)"
                        + " from pg_trigger g join pg_class t on t.oid = g.tgrelid"
                        + " join pg_namespace n on n.oid = t.relnamespace"
                        + " where n.nspname = current_schema() and not g.tgisinternal"));
        lines.addAll(rows(
                c,
                "select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '"
                        + " || md5(pg_get_functiondef(p.oid))"
                        + " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                        + " where n.nspname = current_schema()"));
        return new ArrayList<>(lines);
    }

    /** Values of the first column of {@code sql}'s rows, as text ({@code null} for SQL NULL). */
    public static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void migrate(EmbeddedPostgresServer.Credentials db, Properties config) {
        Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations(config.getProperty("quarkus.flyway.locations", "db/migration")
                        .split(","))
                .baselineOnMigrate(true)
                .baselineVersion(config.getProperty("quarkus.flyway.baseline-version", "1"))
                .load()
                .migrate();
    }

    private static List<String> history(Connection c) throws SQLException {
        return rows(
                c,
                "select version || ' ' || type || ' ' || success from " + HISTORY_TABLE + " order by installed_rank");
    }

    private static List<String> tables(Connection c) throws SQLException {
        return rows(c, "select tablename from pg_tables where schemaname = current_schema() order by tablename");
    }

    private static Map<String, Long> rowCounts(Connection c) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : tables(c)) {
            if (!table.equals(HISTORY_TABLE)) {
                counts.put(
                        table,
                        Long.valueOf(rows(c, "select count(*) from \"" + table + "\"")
                                .get(0)));
            }
        }
        return counts;
    }

    private static Connection connect(EmbeddedPostgresServer.Credentials db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    /** The service's {@code application.properties} (main resources, on the test classpath). */
    private static Properties serviceConfig() {
        Properties p = new Properties();
        try (InputStream in = open("application.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String resource(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalArgumentException("not on the classpath: " + name);
        }
        return in;
    }
}
