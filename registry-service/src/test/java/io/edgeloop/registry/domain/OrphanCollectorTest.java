package io.edgeloop.registry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The scheduling of {@link OrphanCollector}, with a sweep that fails once (what the sweeps delete: OrphanGcTest). */
class OrphanCollectorTest {
    @Test
    void sweepsPeriodicallyAndKeepsGoingAfterAFailure() throws InterruptedException {
        OrphanCollector collector = new OrphanCollector();
        AtomicInteger calls = new AtomicInteger();
        assertTrue(collector.start(Duration.ofMillis(20), () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database unavailable");
            }
            return new OrphanSweep(List.of(), 0, 0);
        }));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (collector.sweeps() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(collector.sweeps() >= 3, "sweeps: " + collector.sweeps());
            assertEquals(1, collector.failures());
        } finally {
            collector.stop();
        }
        int stoppedAt = calls.get();
        Thread.sleep(100);
        assertEquals(stoppedAt, calls.get(), "no sweep after stop");
    }

    @Test
    void zeroOrNegativeIntervalSchedulesNothing() {
        OrphanCollector collector = new OrphanCollector();
        assertFalse(collector.start(Duration.ZERO, () -> {
            throw new AssertionError("must not run");
        }));
        assertFalse(collector.start(Duration.ofMinutes(-1), () -> {
            throw new AssertionError("must not run");
        }));
        collector.stop();
        assertEquals(0, collector.sweeps());
    }
}
