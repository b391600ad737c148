package io.edgeloop.kit.input;

/**
 * The longest value of each kind of field, in one place, matching the columns they are stored in: checked before any
 * database call so that an over-long value is a 4xx / INVALID_ARGUMENT naming the field, never a database error.
 */
public final class FieldLimits {
    /** Ids and names: device, model, deployment, dataset and policy names, label keys (varchar(255) columns). */
    public static final int ID = 255;

    /** Label and selector values (varchar(1000) columns). */
    public static final int LABEL_VALUE = 1000;

    /** Free-text messages kept with a record (state messages, reasons; varchar(2000) columns). */
    public static final int MESSAGE = 2000;

    /** Any other string in a request body or message (also {@link InputRules#DEFAULT_MAX_STRING_LENGTH}). */
    public static final int TEXT = InputRules.DEFAULT_MAX_STRING_LENGTH;

    private FieldLimits() {}
}
