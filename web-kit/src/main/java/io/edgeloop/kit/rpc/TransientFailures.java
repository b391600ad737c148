package io.edgeloop.kit.rpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Set;

/**
 * The one definition of a gRPC failure worth retrying, shared by services (service-kit {@code GrpcRetries}) and the
 * edge agent: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or ABORTED, on the exception or any of its causes.
 */
public final class TransientFailures {
    /** The codes retried. */
    public static final Set<Status.Code> CODES = Set.of(
            Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.ABORTED);

    private TransientFailures() {}

    /** Whether {@code t} (or one of its causes) is a gRPC status worth retrying. */
    public static boolean isTransient(Throwable t) {
        Status.Code code = code(t);
        return code != null && CODES.contains(code);
    }

    /** The gRPC status code of {@code t} or its first cause that has one, else null. */
    public static Status.Code code(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StatusRuntimeException s) {
                return s.getStatus().getCode();
            }
            if (c instanceof StatusException s) {
                return s.getStatus().getCode();
            }
        }
        return null;
    }
}
