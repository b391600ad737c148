package io.edgeloop.kit.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * RFC 9457 problem details.
 *
 * @param type URI reference identifying the problem type ({@code about:blank} when only the status matters)
 * @param title short summary
 * @param status HTTP status
 * @param detail explanation of this occurrence
 * @param instance URI of this occurrence: {@code urn:edgeloop:error:<errorId>} for errors logged under an id
 * @param errorId id under which the server logged the details of an unexpected error (absent otherwise)
 * @param errors per-field or per-row errors, when the input had several
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        String errorId,
        List<FieldError> errors) {
    /** Media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem without an error id. */
    public Problem(String type, String title, int status, String detail, List<FieldError> errors) {
        this(type, title, status, detail, null, null, errors);
    }

    /** One error in the input: where ({@code field}, e.g. {@code samples[3].features}) and what is wrong. */
    public record FieldError(String field, String message) {}
}
