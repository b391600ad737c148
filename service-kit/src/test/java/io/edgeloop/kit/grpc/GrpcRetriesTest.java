package io.edgeloop.kit.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GrpcRetriesTest {
    private final GrpcRetries retries = new GrpcRetries(Duration.ofMillis(1), Duration.ofMillis(5), 3);

    @Test
    void transientFailuresAreRetriedUntilTheCallSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        String result = retries.call("flaky", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw Status.UNAVAILABLE.asRuntimeException();
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(3, attempts.get());
    }

    @Test
    void theLastTransientFailureIsRethrownAfterMaxAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> retries.call("down", () -> {
                    attempts.incrementAndGet();
                    throw Status.DEADLINE_EXCEEDED.asRuntimeException();
                }));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertEquals(3, attempts.get());
    }

    @Test
    void permanentFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        StatusRuntimeException failure =
                Status.NOT_FOUND.withDescription("no such").asRuntimeException();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> retries.call("missing", () -> {
                    attempts.incrementAndGet();
                    throw failure;
                }));
        assertSame(failure, e);
        assertEquals(1, attempts.get());
        assertEquals("NOT_FOUND: no such", GrpcRetries.describe(e));
    }

    @Test
    void checkedFailuresAreWrapped() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> retries.call("io", () -> {
                    throw new IOException("disk");
                }));
        assertTrue(e.getCause() instanceof IOException);
    }

    @Test
    void statusIsFoundOnCauses() {
        assertTrue(GrpcRetries.isTransient(new RuntimeException(Status.ABORTED.asException())));
        assertFalse(GrpcRetries.isTransient(new RuntimeException("plain")));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, GrpcRetries.code(Status.RESOURCE_EXHAUSTED.asRuntimeException()));
    }
}
