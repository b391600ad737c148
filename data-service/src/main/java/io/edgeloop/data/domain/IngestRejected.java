package io.edgeloop.data.domain;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.util.List;

/**
 * 422: an ingest refused because rows are invalid (nothing stored); carries how many rows were read and how many of
 * them were invalid, for the ingest log.
 */
public class IngestRejected extends ApiException {
    private final long rows;
    private final long invalid;

    /** A refusal of {@code invalid} of {@code rows} rows; {@code errors} names each (or the first ones). */
    public IngestRejected(String detail, List<FieldError> errors, long rows, long invalid) {
        super(422, "Unprocessable Content", detail, errors);
        this.rows = rows;
        this.invalid = invalid;
    }

    /** Rows read. */
    public long rows() {
        return rows;
    }

    /** Rows refused as invalid. */
    public long invalid() {
        return invalid;
    }
}
