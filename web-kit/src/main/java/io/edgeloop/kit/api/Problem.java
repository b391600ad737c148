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
 * @param errors per-field or per-row errors, when the input had several
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
    /** Media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** One error in the input: where ({@code field}, e.g. {@code samples[3].features}) and what is wrong. */
    public record FieldError(String field, String message) {}
}
