package io.edgeloop.compiler.auth;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.testsupport.auth.RoleTable;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on compiler-service: reads for viewers, compiling and uploading models for ml; the table is
 * checked against the code and enforced over REST (the service serves no gRPC).
 */
@QuarkusTest
class CompilerRoleTableTest {
    static final RoleTable TABLE = new RoleTable()
            .rest("GET", "/compilations", Roles.VIEWER)
            .rest("GET", "/compilations/{id}", Roles.VIEWER)
            .rest("POST", "/compilations", Roles.ML)
            .rest("POST", "/models", Roles.ML);

    /**
     * Anchors the scan in the app's classes directory: a class Quarkus does not rewrite (the resources access Panache
     * entity fields, so they are transformed and loaded without a code source).
     */
    private static final Class<?> ANCHOR = CompilerConfig.class;

    private RestAssuredConfig saved;

    /**
     * The role probe sends {@code POST /models} an empty {@code application/octet-stream} body as a string, which
     * REST Assured only encodes when told how.
     */
    @BeforeEach
    void encodeOctetStreamAsText() {
        saved = RestAssured.config;
        RestAssured.config = RestAssured.config()
                .encoderConfig(EncoderConfig.encoderConfig()
                        .encodeContentTypeAs("application/octet-stream", ContentType.TEXT));
    }

    @AfterEach
    void restoreConfig() {
        RestAssured.config = saved;
    }

    @Test
    void tableMatchesTheCode() {
        TABLE.assertMatchesCode(ANCHOR, "io.edgeloop.compiler");
    }

    @Test
    void restEnforcesTheTable() {
        TABLE.assertMatchesCode(ANCHOR, "io.edgeloop.compiler");
        TABLE.assertEnforcedOverRest();
    }

    @org.junit.jupiter.api.Test
    void everyRestEndpointIsInTheAnonymousOpenApiDocument() {
        io.edgeloop.testsupport.auth.OpenApiCoverage.assertComplete(ANCHOR, "io.edgeloop.compiler");
    }
}
