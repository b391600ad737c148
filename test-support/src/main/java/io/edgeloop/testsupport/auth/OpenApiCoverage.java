package io.edgeloop.testsupport.auth;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a running app's OpenAPI document ({@code /q/openapi}, web-kit) against its code: every REST endpoint that
 * {@link Endpoints#scan} finds must be described, and the document must be readable without a token.
 */
public final class OpenApiCoverage {
    private OpenApiCoverage() {}

    /**
     * What the anonymous OpenAPI document of the app under test leaves out.
     *
     * @param anchor a class in the app's classes directory
     * @param basePackage the app's package
     * @return the REST endpoints found in the code ({@code rest}) and those missing from the document
     */
    public static Coverage of(Class<?> anchor, String basePackage) {
        JsonPath doc = given().header("Authorization", TestAuth.ANONYMOUS)
                .accept("application/json")
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> paths = doc.getMap("paths");
        List<String> missing = new ArrayList<>();
        int rest = 0;
        for (Endpoints.Endpoint e : Endpoints.scan(anchor, basePackage)) {
            if (e.isGrpc()) {
                continue;
            }
            rest++;
            String verb = e.key().substring(0, e.key().indexOf(' ')).toLowerCase(Locale.ROOT);
            String path = e.key().substring(e.key().indexOf(' ') + 1);
            if (!(paths.get(path) instanceof Map<?, ?> ops) || !ops.containsKey(verb)) {
                missing.add(e.key());
            }
        }
        return new Coverage(rest, missing, doc.getString("components.securitySchemes.JWT.scheme"), doc);
    }

    /**
     * Asserts that the app under test describes every REST endpoint of {@code basePackage} in its anonymous OpenAPI
     * document, with the bearer scheme.
     */
    public static Coverage assertComplete(Class<?> anchor, String basePackage) {
        Coverage c = of(anchor, basePackage);
        org.junit.jupiter.api.Assertions.assertTrue(c.rest() > 0, "the scan found REST endpoints");
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), c.missing(), "REST endpoints missing from /q/openapi");
        org.junit.jupiter.api.Assertions.assertEquals("bearer", c.bearerScheme());
        org.junit.jupiter.api.Assertions.assertEquals(
                List.of(),
                withoutErrorShape(c.document()),
                "operations whose"
                        + " document lacks the error answers (400/401/403/500 as problem+json, MLflow's body on MLflow paths)");
        org.junit.jupiter.api.Assertions.assertEquals(
                422, c.document().getInt("components.schemas.Problem.example.status"), "the Problem schema's example");
        return c;
    }

    /**
     * Asserts that each of {@code operations} ({@code "POST /datasets/{name}/samples"}) has a JSON request body
     * example in {@code c}'s document whose value is well-formed JSON.
     */
    public static void assertExamples(Coverage c, String... operations) {
        for (String operation : operations) {
            String verb = operation.substring(0, operation.indexOf(' ')).toLowerCase(Locale.ROOT);
            String path = operation.substring(operation.indexOf(' ') + 1);
            Map<String, Object> examples = c.document()
                    .getMap("paths.'" + path + "'." + verb + ".requestBody.content.'application/json'.examples");
            org.junit.jupiter.api.Assertions.assertTrue(
                    examples != null && !examples.isEmpty(), operation + " has a request body example");
            for (Object example : examples.values()) {
                Object value = example instanceof Map<?, ?> m ? m.get("value") : null;
                try {
                    String json = value instanceof String text
                            ? text
                            : new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
                } catch (java.io.IOException e) {
                    throw new AssertionError(operation + ": example is not JSON: " + value, e);
                }
                org.junit.jupiter.api.Assertions.assertNotNull(value, operation + ": example without a value");
            }
        }
    }

    /**
     * The operations of {@code doc} (outside {@code /q/}) that do not describe the error answers with the error
     * schema: {@code Problem} as {@code application/problem+json}, or {@code MlflowError} on MLflow paths.
     */
    @SuppressWarnings("unchecked")
    public static List<String> withoutErrorShape(JsonPath doc) {
        List<String> out = new ArrayList<>();
        Map<String, Object> paths = doc.getMap("paths");
        for (Map.Entry<String, Object> path : paths.entrySet()) {
            if (path.getKey().startsWith("/q/") || !(path.getValue() instanceof Map<?, ?> ops)) {
                continue;
            }
            boolean mlflow = path.getKey().contains("/mlflow/");
            String media = mlflow ? "application/json" : "application/problem+json";
            String ref = "#/components/schemas/" + (mlflow ? "MlflowError" : "Problem");
            for (Map.Entry<?, ?> op : ops.entrySet()) {
                if (!(op.getValue() instanceof Map<?, ?> operation)) {
                    continue; // a path item's parameters or summary, not an operation
                }
                Map<?, ?> responses = operation.get("responses") instanceof Map<?, ?> r ? r : Map.of();
                for (String code : List.of("400", "401", "403", "500")) {
                    Object content = responses.get(code) instanceof Map<?, ?> r ? r.get("content") : null;
                    Object schema = content instanceof Map<?, ?> m && m.get(media) instanceof Map<?, ?> mt
                            ? mt.get("schema")
                            : null;
                    if (!(schema instanceof Map<?, ?> sc) || !ref.equals(sc.get("$ref"))) {
                        out.add(op.getKey().toString().toUpperCase(Locale.ROOT) + " " + path.getKey() + " " + code);
                    }
                }
            }
        }
        return out;
    }

    /**
     * @param rest REST endpoints in the code
     * @param missing those the document lacks
     * @param bearerScheme the document's {@code JWT} security scheme ({@code bearer})
     * @param document the document itself
     */
    public record Coverage(int rest, List<String> missing, String bearerScheme, JsonPath document) {}
}
