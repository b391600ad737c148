package io.edgeloop.kit.batch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    /** A burst of 24 callers through 3 turns: never more than 3 inside, every caller admitted once, the rest waited. */
    @Test
    void aBurstQueuesAndNeverExceedsTheConcurrency() throws Exception {
        Admission admission = new Admission("test", 3, Duration.ofSeconds(30));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(pool.submit(() -> {
                    try (Admission.Permit p = admission.enter()) {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        release.await(30, TimeUnit.SECONDS);
                        inside.decrementAndGet();
                    }
                    return null;
                }));
            }
            // three are inside and hold their turns; the other 21 wait
            await().atMost(Duration.ofSeconds(10)).until(() -> admission.stats().waited() == 21);
            assertEquals(3, admission.stats().inside());
            release.countDown();
            for (Future<?> f : calls) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Admission.Stats stats = admission.stats();
        assertEquals(3, most.get());
        assertEquals(3, stats.peak());
        assertEquals(24, stats.admitted());
        assertEquals(0, stats.refused());
        assertEquals(0, stats.inside());
    }

    /** A caller that gets no turn within the longest wait is refused with Busy, naming the admission. */
    @Test
    void aCallerWaitingPastTheLongestWaitIsRefused() {
        Admission admission = new Admission("watch opens", 1, Duration.ofMillis(50));
        try (Admission.Permit held = admission.enter()) {
            Admission.Busy busy = assertThrows(Admission.Busy.class, admission::enter);
            assertTrue(busy.getMessage().startsWith("watch opens: no turn within PT0.05S"), busy.getMessage());
            assertEquals(1, admission.stats().refused());
        }
        // the turn is free again; closing a permit twice does not hand out a second turn
        Admission.Permit p = admission.enter();
        p.close();
        p.close();
        try (Admission.Permit one = admission.enter()) {
            assertThrows(Admission.Busy.class, admission::enter);
        }
        assertEquals(0, admission.stats().inside());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Admission("x", 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Admission("x", 1, Duration.ofSeconds(-1)));
        assertFalse(new Admission("x", 1, Duration.ZERO).stats().peak() > 0);
    }
}
