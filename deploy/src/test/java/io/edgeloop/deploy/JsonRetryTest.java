package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A call repeated while nothing accepts its connection, and only then. */
class JsonRetryTest {
    private static IllegalStateException refused() {
        return new IllegalStateException("HTTP call failed", new ConnectException("Connection refused"));
    }

    @Test
    void repeatsRefusedConnectionsUntilOneIsAccepted() {
        AtomicInteger calls = new AtomicInteger();
        Json.Reply ok = new Json.Reply(200, MissingNode.getInstance());
        Json.Reply got = Json.retryingUnanswered(Duration.ofSeconds(30), () -> {
            if (calls.incrementAndGet() < 3) {
                throw refused();
            }
            return ok;
        });
        assertSame(ok, got);
        assertEquals(3, calls.get());
    }

    @Test
    void otherFailuresAndRefusalsPastThePatienceAreThrown() {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException timeout = new IllegalStateException("HTTP call failed: timed out");
        assertSame(
                timeout,
                assertThrows(
                        IllegalStateException.class,
                        () -> Json.retryingUnanswered(Duration.ofSeconds(30), () -> {
                            calls.incrementAndGet();
                            throw timeout;
                        })));
        assertEquals(1, calls.get(), "a request that may have been sent is not repeated");

        calls.set(0);
        IllegalStateException last = assertThrows(
                IllegalStateException.class,
                () -> Json.retryingUnanswered(Duration.ZERO, () -> {
                    calls.incrementAndGet();
                    throw refused();
                }));
        assertEquals(ConnectException.class, last.getCause().getClass());
        assertEquals(1, calls.get(), "no second try once the patience is up");
    }

    @Test
    void aConnectionDroppedBeforeTheAnswerIsRepeated() {
        IllegalStateException dropped =
                new IllegalStateException("HTTP call failed", new java.io.IOException("EOF reached while reading"));
        AtomicInteger calls = new AtomicInteger();
        Json.Reply ok = new Json.Reply(201, MissingNode.getInstance());
        assertSame(ok, Json.retryingUnanswered(Duration.ofSeconds(30), () -> {
            if (calls.incrementAndGet() == 1) {
                throw dropped;
            }
            return ok;
        }));
        assertEquals(2, calls.get());
    }
}
