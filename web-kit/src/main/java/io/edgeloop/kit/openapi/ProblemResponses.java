package io.edgeloop.kit.openapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Describes the error shape in every app's OpenAPI document: a {@code Problem} schema (RFC 9457, as {@link
 * io.edgeloop.kit.api.Problem} writes it, with an example) and, on every operation, the error answers it may give
 * ({@code 400}, {@code 401}, {@code 403}, {@code 500}; {@code 404} on paths with parameters; {@code 413} and {@code
 * 422} where the operation takes a body or parameters) as {@code application/problem+json}. MLflow paths answer
 * MLflow's own body ({@code error_code}, {@code message}): schema {@code MlflowError}. Responses an operation declares
 * itself are kept (given the error body when they have none). Registered through {@code mp.openapi.filter} (web-kit's configuration).
 */
public class ProblemResponses implements OASFilter {
    /** The problem schema's name in {@code components.schemas}. */
    public static final String PROBLEM = "Problem";

    /** MLflow's error schema's name in {@code components.schemas}. */
    public static final String MLFLOW_ERROR = "MlflowError";

    private static final Map<String, String> WHY = Map.of(
            "400", "Malformed request (not JSON, unknown field, invalid path value)",
            "401", "No or an invalid bearer token",
            "403", "The token lacks the role this operation needs",
            "404", "No such resource",
            "413", "The body is over the limit",
            "422", "The input is invalid: `errors` names each field or row and what is wrong",
            "500", "Unexpected error: logged under `errorId`; the body holds no internals");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(PROBLEM, problemSchema());
        components.addSchema(MLFLOW_ERROR, mlflowSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> describe(path, item));
    }

    private static void describe(String path, PathItem item) {
        if (path.startsWith("/q/")) {
            return;
        }
        boolean mlflow = path.contains("/mlflow/");
        String media = mlflow ? "application/json" : io.edgeloop.kit.api.Problem.MEDIA_TYPE;
        String schema = mlflow ? MLFLOW_ERROR : PROBLEM;
        for (Operation op : item.getOperations().values()) {
            List<String> codes = new java.util.ArrayList<>(List.of("400", "401", "403", "500"));
            if (path.contains("{")) {
                codes.add("404");
            }
            boolean input = op.getRequestBody() != null
                    || (op.getParameters() != null && !op.getParameters().isEmpty())
                    || path.contains("{");
            if (input) {
                codes.add("413");
                codes.add("422");
            }
            if (op.getResponses() == null) {
                op.setResponses(OASFactory.createAPIResponses());
            }
            for (String code : codes) {
                APIResponse declared = op.getResponses().getAPIResponse(code);
                if (declared == null) {
                    op.getResponses().addAPIResponse(code, response(WHY.get(code), media, schema));
                } else if (declared.getContent() == null
                        || declared.getContent().getMediaTypes() == null
                        || declared.getContent().getMediaTypes().isEmpty()) {
                    declared.setContent(response(WHY.get(code), media, schema).getContent()); // e.g. Quarkus' own 401
                }
            }
        }
    }

    private static APIResponse response(String description, String media, String schema) {
        MediaType type =
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/" + schema));
        Content content = OASFactory.createContent().addMediaType(media, type);
        return OASFactory.createAPIResponse().description(description).content(content);
    }

    private static Schema problemSchema() {
        Schema fieldError = object("One error in the input: where and what is wrong")
                .addProperty("field", string("Where, e.g. `samples[3].features` or `importId`"))
                .addProperty("message", string("What is wrong"));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", "samples[3].features");
        error.put("message", "expected 8 values, got 7");
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", "about:blank");
        example.put("title", "Unprocessable Entity");
        example.put("status", 422);
        example.put("detail", "invalid samples");
        example.put("errors", List.of(error));
        return object("RFC 9457 problem details: every error of EdgeLoop's APIs (application/problem+json)")
                .addProperty("type", string("Problem type URI (`about:blank` when only the status matters)"))
                .addProperty("title", string("Short summary"))
                .addProperty(
                        "status",
                        OASFactory.createSchema().addType(SchemaType.INTEGER).description("HTTP status"))
                .addProperty("detail", string("What happened, without internals"))
                .addProperty("instance", string("`urn:edgeloop:error:<errorId>` for an unexpected error"))
                .addProperty("errorId", string("Id under which the server logged an unexpected error"))
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .addType(SchemaType.ARRAY)
                                .items(fieldError)
                                .description("Per-field or per-row errors, when the input had several"))
                .required(List.of("title", "status"))
                .example(example);
    }

    private static Schema mlflowSchema() {
        return object("MLflow's error body on the MLflow-compatible paths")
                .addProperty("error_code", string("e.g. RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE"))
                .addProperty("message", string("What is wrong"))
                .required(List.of("error_code", "message"))
                .example(Map.of(
                        "error_code", "RESOURCE_DOES_NOT_EXIST", "message", "Registered Model with name=m not found"));
    }

    private static Schema object(String description) {
        return OASFactory.createSchema().addType(SchemaType.OBJECT).description(description);
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
