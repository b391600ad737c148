package io.edgeloop.training.auth;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.testsupport.auth.RoleTable;
import io.edgeloop.training.config.TrainingConfig;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on training-service: reads for viewers, starting runs and experiments for ml; the table is
 * checked against the code and enforced over REST (the service serves no gRPC).
 */
@QuarkusTest
class TrainingRoleTableTest {
    static final RoleTable TABLE = new RoleTable()
            .rest("GET", "/training-runs", Roles.VIEWER)
            .rest("GET", "/training-runs/{id}", Roles.VIEWER)
            .rest("GET", "/training-runs/{id}/events", Roles.VIEWER)
            .rest("GET", "/training-runs/{id}/epochs", Roles.VIEWER)
            .rest("GET", "/training-runs/{id}/epochs/stream", Roles.VIEWER)
            .rest("POST", "/training-runs", Roles.ML)
            .rest("POST", "/distillations", Roles.ML)
            .rest("GET", "/distillations/{id}", Roles.VIEWER)
            .rest("POST", "/searches", Roles.ML)
            .rest("GET", "/searches/{id}", Roles.VIEWER);

    /**
     * Anchors the scan in the app's classes directory: a class Quarkus does not rewrite (the resources access Panache
     * entity fields, so they are transformed and loaded without a code source).
     */
    private static final Class<?> ANCHOR = TrainingConfig.class;

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(ANCHOR, "io.edgeloop.training");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(ANCHOR, "io.edgeloop.training");
        TABLE.assertEnforcedOverRest();
    }

    @org.junit.jupiter.api.Test
    void everyRestEndpointIsInTheAnonymousOpenApiDocument() {
        io.edgeloop.testsupport.auth.OpenApiCoverage.assertExamples(
                io.edgeloop.testsupport.auth.OpenApiCoverage.assertComplete(ANCHOR, "io.edgeloop.training"),
                "POST /training-runs");
    }
}
